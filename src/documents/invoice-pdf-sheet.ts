/**
 * The drawing surface the invoice PDF's sections share: A4 geometry, the colours, and a sheet that
 * holds the document being drawn with its text and continuation-page helpers.
 */
import type { IssuedInvoiceDocument } from '../domain/invoicing/types';
import { formatDecimalText } from './invoice-text';

export const PAGE = { width: 595.28, height: 841.89, margin: 48 };
export const CONTENT_W = PAGE.width - 2 * PAGE.margin;
/** Left and right edges of the content. */
export const LEFT = PAGE.margin;
export const RIGHT = PAGE.width - PAGE.margin;
/** Top of the footer rule; the body stops above it. */
export const FOOTER_Y = PAGE.height - 72;
export const BODY_BOTTOM = FOOTER_Y - 12;
export const INK = '#1f2933';
export const MUTED = '#616e7c';
export const RULE = '#cbd2d9';
export const ACCENT = '#1d4e89';
export const SHADE = '#f0f4f8';

export const money = (s: string) => formatDecimalText(s, 2);

export type SheetTextOptions = PDFKit.Mixins.TextOptions & { font?: string; size?: number; color?: string };

/** The document being drawn and what every section needs to draw on it. */
export interface InvoiceSheet {
  doc: PDFKit.PDFDocument;
  invoice: IssuedInvoiceDocument;
  isCredit: boolean;
  /** See documentTitle. */
  title: string;
  /** Draws a string at (x, y); wraps only when given a width. */
  text: (s: string, x: number, y: number, opts?: SheetTextOptions) => void;
  /** Starts a continuation page and returns where its body begins. */
  newPage: () => number;
}

/** 'Invoice' or 'Credit note', as the document's title and in its metadata. */
export function documentTitle(invoice: IssuedInvoiceDocument): string {
  return invoice.documentType === 'credit_note' ? 'Credit note' : 'Invoice';
}

export function openSheet(doc: PDFKit.PDFDocument, invoice: IssuedInvoiceDocument): InvoiceSheet {
  const isCredit = invoice.documentType === 'credit_note';
  const title = documentTitle(invoice);
  const text = (s: string, x: number, y: number, opts: SheetTextOptions = {}) => {
    const { font = 'Helvetica', size = 9, color = INK, ...rest } = opts;
    doc
      .font(font)
      .fontSize(size)
      .fillColor(color)
      .text(s, x, y, { lineBreak: rest.width !== undefined, ...rest });
  };
  const newPage = (): number => {
    doc.addPage();
    text(`${title} ${invoice.number} (continued)`, LEFT, PAGE.margin, { size: 9, color: MUTED });
    return PAGE.margin + 18;
  };
  return { doc, invoice, isCredit, title, text, newPage };
}

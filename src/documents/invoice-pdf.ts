/**
 * The invoice / credit note PDF (pdfkit, A4, built-in Helvetica so no font files are needed; the
 * WinAnsi encoding covers Swedish and other Western European letters).
 *
 * Contents, per the Swedish VAT act (mervärdesskattelagen 17 kap. 24 §) and Directive 2006/112/EC
 * art. 226: issue date, unique sequential number, seller and buyer names and addresses, the seller's
 * VAT number (and the buyer's for reverse charge), the period of supply, quantity and nature of the
 * services, unit price, taxable amount per rate, rate, VAT amount, exemption / reverse-charge wording,
 * and on a credit note a reference to the invoice it corrects. Plus due date and payment details.
 *
 * Amounts are printed from the document's decimal strings (never through a JS number).
 */
import type { CallSpecification } from '../domain/invoicing/call-specification';
import type { IssuedInvoiceDocument } from '../domain/invoicing/types';
import { drawCallSpecification } from './invoice-pdf-call-specification';
import { drawFooters } from './invoice-pdf-footer';
import { drawLinesTable } from './invoice-pdf-lines-table';
import { drawParties } from './invoice-pdf-parties';
import { drawPayment } from './invoice-pdf-payment';
import { CONTENT_W, documentTitle, LEFT, PAGE, openSheet, type InvoiceSheet } from './invoice-pdf-sheet';
import { drawVatAndTotals } from './invoice-pdf-totals';

/** Renders an issued invoice or credit note to PDF bytes. */
export async function renderInvoicePdf(
  invoice: IssuedInvoiceDocument,
  options: { callSpecification?: CallSpecification } = {},
): Promise<Buffer> {
  // pdfkit takes about 0.2 s to load: paid by the first rendering, not by every start-up.
  const { default: PDFDocument } = await import('pdfkit');
  const title = documentTitle(invoice);
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: PAGE.margin, bottom: 20, left: PAGE.margin, right: PAGE.margin },
    bufferPages: true,
    info: {
      Title: `${title} ${invoice.number}`,
      Author: invoice.seller.name,
      Subject: `${title} ${invoice.number} to ${invoice.buyer.name}, period ${invoice.period.startDate} – ${invoice.period.lastDate}`,
      CreationDate: new Date(`${invoice.issueDate}T00:00:00Z`),
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const sheet = openSheet(doc, invoice);

  let y = drawParties(sheet);
  y = drawCreditNotice(sheet, y);
  y = drawLinesTable(sheet, y);
  y = drawVatAndTotals(sheet, y);
  drawPayment(sheet, y);
  if (options.callSpecification) drawCallSpecification(sheet, options.callSpecification);
  drawFooters(sheet);
  doc.end();
  return done;
}

/** On a credit note, the notice naming the invoice it corrects; returns the y below it. */
function drawCreditNotice(sheet: InvoiceSheet, y: number): number {
  const { doc, invoice, isCredit, text } = sheet;
  // ---- Credit note notice ----
  if (isCredit) {
    const notice =
      `This credit note corrects invoice ${invoice.precedingInvoiceNumber ?? '?'}${invoice.precedingInvoiceDate ? ` of ${invoice.precedingInvoiceDate}` : ''}.` +
      (invoice.reason ? ` Reason: ${invoice.reason}` : '') +
      ' Negative amounts are credited to you.';
    doc.font('Helvetica').fontSize(9);
    const h = doc.heightOfString(notice, { width: CONTENT_W - 20 }) + 14;
    doc.rect(LEFT, y, CONTENT_W, h).fillAndStroke('#fff8e6', '#f0c36d');
    text(notice, LEFT + 10, y + 7, { size: 9, width: CONTENT_W - 20 });
    y += h + 14;
  }
  return y;
}

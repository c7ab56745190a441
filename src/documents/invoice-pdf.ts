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
import PDFDocument from 'pdfkit';
import type { IssuedInvoiceDocument } from '../domain/invoicing/types.js';
import { formatDecimalText, partyLines, UNIT_LABEL, vatRateLabel } from './invoice-text.js';

const PAGE = { width: 595.28, height: 841.89, margin: 48 };
const CONTENT_W = PAGE.width - 2 * PAGE.margin;
/** Top of the footer rule; the body stops above it. */
const FOOTER_Y = PAGE.height - 72;
const BODY_BOTTOM = FOOTER_Y - 12;
const INK = '#1f2933';
const MUTED = '#616e7c';
const RULE = '#cbd2d9';
const ACCENT = '#1d4e89';
const SHADE = '#f0f4f8';

interface Column {
  key: 'description' | 'quantity' | 'unit' | 'unitPrice' | 'vat' | 'net';
  title: string;
  width: number;
  align: 'left' | 'right';
}

const COLUMNS: Column[] = [
  { key: 'description', title: 'Description', width: 0, align: 'left' },
  { key: 'quantity', title: 'Quantity', width: 62, align: 'right' },
  { key: 'unit', title: 'Unit', width: 34, align: 'left' },
  { key: 'unitPrice', title: 'Unit price', width: 62, align: 'right' },
  { key: 'vat', title: 'VAT', width: 38, align: 'right' },
  { key: 'net', title: 'Net amount', width: 76, align: 'right' },
];
const COL_GAP = 8;
const padLeft = (c: Column) => (c.key === 'description' ? 6 : 0);
const padRight = (c: Column) => (c.key === 'net' ? 6 : 0);
COLUMNS[0]!.width = CONTENT_W - COLUMNS.slice(1).reduce((s, c) => s + c.width + COL_GAP, 0);

/** Renders an issued invoice or credit note to PDF bytes. */
export function renderInvoicePdf(invoice: IssuedInvoiceDocument): Promise<Buffer> {
  const isCredit = invoice.documentType === 'credit_note';
  const title = isCredit ? 'Credit note' : 'Invoice';
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

  const L = PAGE.margin;
  const R = PAGE.width - PAGE.margin;
  const money = (s: string) => formatDecimalText(s, 2);

  const text = (
    s: string,
    x: number,
    y: number,
    opts: PDFKit.Mixins.TextOptions & { font?: string; size?: number; color?: string } = {},
  ) => {
    const { font = 'Helvetica', size = 9, color = INK, ...rest } = opts;
    doc
      .font(font)
      .fontSize(size)
      .fillColor(color)
      .text(s, x, y, { lineBreak: rest.width !== undefined, ...rest });
  };

  // ---- Header: seller (left), document title and facts (right) ----
  let y = PAGE.margin;
  text(invoice.seller.name, L, y, { font: 'Helvetica-Bold', size: 16, color: ACCENT });
  y += 22;
  for (const line of partyLines(invoice.seller)) {
    text(line, L, y, { size: 9, color: MUTED });
    y += 12;
  }
  const sellerContact = [invoice.seller.phone, invoice.seller.email].filter(Boolean).join('  ·  ');
  if (sellerContact) {
    text(sellerContact, L, y, { size: 9, color: MUTED });
    y += 12;
  }
  const sellerBottom = y;

  const metaX = 330;
  const metaW = R - metaX;
  text(title.toUpperCase(), metaX, PAGE.margin - 2, {
    font: 'Helvetica-Bold',
    size: 22,
    color: INK,
    width: metaW,
    align: 'right',
  });
  const facts: [string, string][] = [
    [`${title} number`, invoice.number],
    [`${title} date`, invoice.issueDate],
  ];
  if (!isCredit) facts.push(['Due date', invoice.dueDate]);
  facts.push(['Period', `${invoice.period.startDate} – ${invoice.period.lastDate}`]);
  facts.push(['Customer number', invoice.buyer.customerId]);
  if (invoice.buyer.reference) facts.push(['Your reference', invoice.buyer.reference]);
  if (invoice.precedingInvoiceNumber)
    facts.push([isCredit ? 'Credits invoice' : 'Refers to invoice', invoice.precedingInvoiceNumber]);
  facts.push(['Currency', invoice.currency]);
  let my = PAGE.margin + 34;
  for (const [k, v] of facts) {
    text(k, metaX, my, { size: 9, color: MUTED });
    text(v, metaX + 95, my, { size: 9, font: 'Helvetica-Bold', width: metaW - 95, align: 'right' });
    my += 13;
  }

  // ---- Buyer block ----
  y = Math.max(sellerBottom, my) + 18;
  const boxTop = y;
  const buyerLines = partyLines(invoice.buyer);
  const boxH = 30 + (buyerLines.length + 1) * 12 + (invoice.buyer.vatNumber ? 12 : 0);
  doc.roundedRect(L, boxTop, 262, boxH, 4).fillAndStroke(SHADE, SHADE);
  text('BILL TO', L + 12, boxTop + 10, {
    font: 'Helvetica-Bold',
    size: 7.5,
    color: MUTED,
    characterSpacing: 0.8,
  });
  let by = boxTop + 24;
  text(invoice.buyer.name, L + 12, by, { font: 'Helvetica-Bold', size: 10.5 });
  by += 15;
  for (const line of buyerLines) {
    text(line, L + 12, by, { size: 9 });
    by += 12;
  }
  if (invoice.buyer.vatNumber)
    text(`VAT no. ${invoice.buyer.vatNumber}`, L + 12, by, { size: 9, color: MUTED });

  // Seller tax identity next to the buyer box (the law wants the seller's VAT number on the invoice).
  const idX = metaX;
  let iy = boxTop + 10;
  text('SELLER', idX, iy, { font: 'Helvetica-Bold', size: 7.5, color: MUTED, characterSpacing: 0.8 });
  iy += 14;
  const sellerIds: [string, string | undefined][] = [
    ['VAT no.', invoice.seller.vatNumber],
    ['Reg. no.', invoice.seller.registrationNumber],
  ];
  for (const [k, v] of sellerIds) {
    if (!v) continue;
    text(k, idX, iy, { size: 9, color: MUTED });
    text(v, idX + 95, iy, { size: 9, width: metaW - 95, align: 'right' });
    iy += 13;
  }
  if (invoice.seller.taxRegistrationNote) {
    text(invoice.seller.taxRegistrationNote, idX, iy, {
      size: 9,
      color: MUTED,
      width: metaW,
      align: 'right',
    });
    iy += 13;
  }
  y = Math.max(boxTop + boxH, iy) + 18;

  // ---- Credit note notice ----
  if (isCredit) {
    const notice =
      `This credit note corrects invoice ${invoice.precedingInvoiceNumber ?? '?'}${invoice.precedingInvoiceDate ? ` of ${invoice.precedingInvoiceDate}` : ''}.` +
      (invoice.reason ? ` Reason: ${invoice.reason}` : '') +
      ' Negative amounts are credited to you.';
    doc.font('Helvetica').fontSize(9);
    const h = doc.heightOfString(notice, { width: CONTENT_W - 20 }) + 14;
    doc.rect(L, y, CONTENT_W, h).fillAndStroke('#fff8e6', '#f0c36d');
    text(notice, L + 10, y + 7, { size: 9, width: CONTENT_W - 20 });
    y += h + 14;
  }

  // ---- Lines table ----
  const drawHeader = (top: number): number => {
    doc.rect(L, top, CONTENT_W, 20).fill(ACCENT);
    let x = L;
    for (const c of COLUMNS) {
      text(c.title, x + padLeft(c), top + 6, {
        font: 'Helvetica-Bold',
        size: 8.5,
        color: '#ffffff',
        width: c.width - padLeft(c) - padRight(c),
        align: c.align,
      });
      x += c.width + COL_GAP;
    }
    return top + 20;
  };
  const newPage = (): number => {
    doc.addPage();
    text(`${title} ${invoice.number} (continued)`, L, PAGE.margin, { size: 9, color: MUTED });
    return PAGE.margin + 18;
  };

  y = drawHeader(y);
  invoice.lines.forEach((line, i) => {
    const cells: Record<Column['key'], string> = {
      description: line.description,
      quantity: formatDecimalText(
        line.quantity,
        line.unitCode === 'C62' && /^-?\d+$/.test(line.quantity) ? 0 : 2,
      ),
      unit: UNIT_LABEL[line.unitCode],
      unitPrice: formatDecimalText(line.unitPrice, 4),
      vat: vatRateLabel(line.vatRate),
      net: money(line.netAmount),
    };
    doc.font('Helvetica').fontSize(9);
    const descH = doc.heightOfString(cells.description, { width: COLUMNS[0]!.width - padLeft(COLUMNS[0]!) });
    const rowH = Math.max(descH, 11) + 9;
    if (y + rowH > BODY_BOTTOM) y = drawHeader(newPage());
    if (i % 2 === 1) doc.rect(L, y, CONTENT_W, rowH).fill('#f7f9fb');
    let x = L;
    for (const c of COLUMNS) {
      text(cells[c.key], x + padLeft(c), y + 5, {
        size: 9,
        width: c.width - padLeft(c) - padRight(c),
        align: c.align,
      });
      x += c.width + COL_GAP;
    }
    y += rowH;
  });
  doc.moveTo(L, y).lineTo(R, y).lineWidth(0.8).strokeColor(RULE).stroke();
  y += 14;

  // ---- VAT breakdown (left) and totals (right) ----
  const vatRows = invoice.vatBreakdown.length;
  const blockH = Math.max(28 + vatRows * 14, 20 + (vatRows + 2) * 15 + 10) + 10;
  if (y + blockH > BODY_BOTTOM) y = newPage();
  const vx = L;
  const vcol = [70, 90, 80];
  text('VAT BREAKDOWN', vx, y, { font: 'Helvetica-Bold', size: 7.5, color: MUTED, characterSpacing: 0.8 });
  let vy = y + 14;
  const vHeads = ['Rate', 'Taxable amount', 'VAT amount'];
  let cx = vx;
  vHeads.forEach((h, k) => {
    text(h, cx, vy, { size: 8.5, color: MUTED, width: vcol[k]!, align: k === 0 ? 'left' : 'right' });
    cx += vcol[k]! + 6;
  });
  vy += 13;
  doc
    .moveTo(vx, vy - 2)
    .lineTo(vx + vcol.reduce((a, b) => a + b + 6, -6), vy - 2)
    .lineWidth(0.5)
    .strokeColor(RULE)
    .stroke();
  const exemptions: string[] = [];
  for (const b of invoice.vatBreakdown) {
    cx = vx;
    const label =
      b.vatCategory === 'S' || b.vatCategory === 'Z'
        ? vatRateLabel(b.vatRate)
        : `${vatRateLabel(b.vatRate)} (${b.vatCategory})`;
    [label, money(b.taxableAmount), money(b.vatAmount)].forEach((v, k) => {
      text(v, cx, vy + 2, { size: 9, width: vcol[k]!, align: k === 0 ? 'left' : 'right' });
      cx += vcol[k]! + 6;
    });
    vy += 14;
    if (b.exemptionReason) exemptions.push(b.exemptionReason);
  }

  const tx = 345;
  const tw = R - tx;
  let ty = y;
  const totalRow = (label: string, value: string, bold = false) => {
    text(label, tx, ty, {
      size: 9.5,
      font: bold ? 'Helvetica-Bold' : 'Helvetica',
      color: bold ? INK : MUTED,
    });
    text(value, tx, ty, {
      size: 9.5,
      font: bold ? 'Helvetica-Bold' : 'Helvetica',
      width: tw,
      align: 'right',
    });
    ty += 15;
  };
  totalRow('Net amount', `${money(invoice.totals.netTotal)} ${invoice.currency}`);
  for (const b of invoice.vatBreakdown)
    totalRow(`VAT ${vatRateLabel(b.vatRate)}`, `${money(b.vatAmount)} ${invoice.currency}`);
  ty += 3;
  doc.rect(tx - 8, ty - 4, tw + 8, 24).fill(SHADE);
  ty += 3;
  text(isCredit ? 'Total credited' : 'Total to pay', tx, ty, { size: 11, font: 'Helvetica-Bold' });
  text(`${money(invoice.totals.payableAmount)} ${invoice.currency}`, tx, ty, {
    size: 11,
    font: 'Helvetica-Bold',
    width: tw - 4,
    align: 'right',
  });
  ty += 24;
  y = Math.max(vy, ty) + 14;

  if (exemptions.length > 0) {
    for (const e of exemptions) {
      text(e, L, y, { size: 8.5, color: MUTED, width: CONTENT_W });
      y += 12;
    }
    y += 6;
  }

  // ---- Payment ----
  const bank = invoice.seller.bankAccount;
  const payLines: string[] = [];
  if (isCredit) {
    payLines.push(
      `The credited amount is offset against your next invoice or refunded on request. Reference: ${invoice.number}.`,
    );
  } else {
    payLines.push(
      `Payment terms: ${invoice.paymentTermsDays} days net. Please pay ${money(invoice.totals.payableAmount)} ${invoice.currency} by ${invoice.dueDate}, quoting reference ${invoice.number}.`,
    );
    const accounts = [
      bank?.bankgiro ? `Bankgiro ${bank.bankgiro}` : '',
      bank?.plusgiro ? `Plusgiro ${bank.plusgiro}` : '',
      bank?.iban ? `IBAN ${bank.iban}` : '',
      bank?.bic ? `BIC ${bank.bic}` : '',
    ].filter(Boolean);
    if (accounts.length) payLines.push(accounts.join('   ·   '));
    payLines.push('Interest on late payment is charged according to the Swedish Interest Act (räntelagen).');
  }
  for (const n of invoice.notes ?? []) payLines.push(n);
  doc.font('Helvetica').fontSize(9);
  const payH = payLines.reduce((h, s) => h + doc.heightOfString(s, { width: CONTENT_W - 20 }) + 3, 0) + 26;
  if (y + payH > BODY_BOTTOM) y = newPage();
  doc.roundedRect(L, y, CONTENT_W, payH, 4).lineWidth(0.8).strokeColor(RULE).stroke();
  text(isCredit ? 'SETTLEMENT' : 'PAYMENT', L + 10, y + 8, {
    font: 'Helvetica-Bold',
    size: 7.5,
    color: MUTED,
    characterSpacing: 0.8,
  });
  let py = y + 21;
  for (const s of payLines) {
    text(s, L + 10, py, { size: 9, width: CONTENT_W - 20 });
    py += doc.heightOfString(s, { width: CONTENT_W - 20 }) + 3;
  }

  // ---- Footer on every page ----
  const range = doc.bufferedPageRange();
  const s = invoice.seller;
  const footer1 = [s.name, ...partyLines(s)].join(', ');
  const footer2 = [
    s.registrationNumber ? `Reg. no. ${s.registrationNumber}` : '',
    s.vatNumber ? `VAT no. ${s.vatNumber}` : '',
    s.taxRegistrationNote ?? '',
    s.email ?? '',
    s.website ?? '',
  ]
    .filter(Boolean)
    .join('  ·  ');
  for (let p = range.start; p < range.start + range.count; p++) {
    doc.switchToPage(p);
    const fy = FOOTER_Y;
    doc.moveTo(L, fy).lineTo(R, fy).lineWidth(0.5).strokeColor(RULE).stroke();
    text(footer1, L, fy + 8, { size: 7.5, color: MUTED, width: CONTENT_W, align: 'center' });
    text(footer2, L, fy + 19, { size: 7.5, color: MUTED, width: CONTENT_W, align: 'center' });
    text(`${title} ${invoice.number}  ·  page ${p - range.start + 1} of ${range.count}`, L, fy + 30, {
      size: 7.5,
      color: MUTED,
      width: CONTENT_W,
      align: 'center',
    });
  }
  doc.end();
  return done;
}

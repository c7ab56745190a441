/** The invoice PDF's VAT breakdown (left), totals (right) and the VAT exemption wording below them. */
import { vatRateLabel } from './invoice-text';
import {
  BODY_BOTTOM,
  CONTENT_W,
  INK,
  LEFT,
  money,
  MUTED,
  RIGHT,
  RULE,
  SHADE,
  type InvoiceSheet,
} from './invoice-pdf-sheet';

/** Draws the VAT and totals block from y (on a new page if it does not fit); returns the y below it. */
export function drawVatAndTotals(sheet: InvoiceSheet, y: number): number {
  const { doc, invoice, isCredit, text, newPage } = sheet;
  const vatRows = invoice.vatBreakdown.length;
  const blockH = Math.max(28 + vatRows * 14, 20 + (vatRows + 2) * 15 + 10) + 10;
  if (y + blockH > BODY_BOTTOM) y = newPage();
  const vx = LEFT;
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
  const tw = RIGHT - tx;
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
      text(e, LEFT, y, { size: 8.5, color: MUTED, width: CONTENT_W });
      y += 12;
    }
    y += 6;
  }
  const sek = invoice.accountingCurrencyVat;
  if (sek) {
    // Swedish VAT act: an invoice in a foreign currency states the VAT in SEK too (BT-111).
    const source = sek.rateSource ? `, ${sek.rateSource}` : '';
    text(
      `VAT in ${sek.currency}: ${money(sek.vatTotal)} ${sek.currency} (1 ${invoice.currency} = ${sek.rate} ${sek.currency}, rate of ${sek.rateDate}${source})`,
      LEFT,
      y,
      { size: 9, font: 'Helvetica-Bold', width: CONTENT_W },
    );
    y += 18;
  }
  return y;
}

/** The invoice PDF's payment box (settlement wording on a credit note) with the document's notes. */
import { BODY_BOTTOM, CONTENT_W, LEFT, money, MUTED, RULE, type InvoiceSheet } from './invoice-pdf-sheet';

/** Draws the payment box from y (on a new page if it does not fit). */
export function drawPayment(sheet: InvoiceSheet, y: number): void {
  const { doc, invoice, isCredit, text, newPage } = sheet;
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
  doc.roundedRect(LEFT, y, CONTENT_W, payH, 4).lineWidth(0.8).strokeColor(RULE).stroke();
  text(isCredit ? 'SETTLEMENT' : 'PAYMENT', LEFT + 10, y + 8, {
    font: 'Helvetica-Bold',
    size: 7.5,
    color: MUTED,
    characterSpacing: 0.8,
  });
  let py = y + 21;
  for (const s of payLines) {
    text(s, LEFT + 10, py, { size: 9, width: CONTENT_W - 20 });
    py += doc.heightOfString(s, { width: CONTENT_W - 20 }) + 3;
  }
}

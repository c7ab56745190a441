/**
 * The top of the invoice PDF: seller (left), document title and facts (right), the buyer box, and
 * the seller's tax identity next to it.
 */
import { partyLines } from './invoice-text';
import { ACCENT, INK, MUTED, PAGE, RIGHT, LEFT, SHADE, type InvoiceSheet } from './invoice-pdf-sheet';

/** Draws the header and parties block; returns the y below it. */
export function drawParties(sheet: InvoiceSheet): number {
  const { doc, invoice, isCredit, title, text } = sheet;
  // ---- Header: seller (left), document title and facts (right) ----
  let y = PAGE.margin;
  text(invoice.seller.name, LEFT, y, { font: 'Helvetica-Bold', size: 16, color: ACCENT });
  y += 22;
  for (const line of partyLines(invoice.seller)) {
    text(line, LEFT, y, { size: 9, color: MUTED });
    y += 12;
  }
  const sellerContact = [invoice.seller.phone, invoice.seller.email].filter(Boolean).join('  ·  ');
  if (sellerContact) {
    text(sellerContact, LEFT, y, { size: 9, color: MUTED });
    y += 12;
  }
  const sellerBottom = y;

  const metaX = 330;
  const metaW = RIGHT - metaX;
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
  doc.roundedRect(LEFT, boxTop, 262, boxH, 4).fillAndStroke(SHADE, SHADE);
  text('BILL TO', LEFT + 12, boxTop + 10, {
    font: 'Helvetica-Bold',
    size: 7.5,
    color: MUTED,
    characterSpacing: 0.8,
  });
  let by = boxTop + 24;
  text(invoice.buyer.name, LEFT + 12, by, { font: 'Helvetica-Bold', size: 10.5 });
  by += 15;
  for (const line of buyerLines) {
    text(line, LEFT + 12, by, { size: 9 });
    by += 12;
  }
  if (invoice.buyer.vatNumber)
    text(`VAT no. ${invoice.buyer.vatNumber}`, LEFT + 12, by, { size: 9, color: MUTED });

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
  return y;
}

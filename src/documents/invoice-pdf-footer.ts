/** The invoice PDF's footer: seller identity and page numbers, drawn on every page at the end. */
import { partyLines } from './invoice-text';
import { CONTENT_W, FOOTER_Y, LEFT, MUTED, RIGHT, RULE, type InvoiceSheet } from './invoice-pdf-sheet';

/** Draws the footer on every buffered page. */
export function drawFooters(sheet: InvoiceSheet): void {
  const { doc, invoice, title, text } = sheet;
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
    doc.moveTo(LEFT, fy).lineTo(RIGHT, fy).lineWidth(0.5).strokeColor(RULE).stroke();
    text(footer1, LEFT, fy + 8, { size: 7.5, color: MUTED, width: CONTENT_W, align: 'center' });
    text(footer2, LEFT, fy + 19, { size: 7.5, color: MUTED, width: CONTENT_W, align: 'center' });
    text(`${title} ${invoice.number}  ·  page ${p - range.start + 1} of ${range.count}`, LEFT, fy + 30, {
      size: 7.5,
      color: MUTED,
      width: CONTENT_W,
      align: 'center',
    });
  }
}

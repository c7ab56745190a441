/** The invoice PDF's lines table: one row per invoice line, its header repeated on every page. */
import { allowanceText, basisLabel, formatExactDecimal, UNIT_LABEL, vatRateLabel } from './invoice-text';
import {
  ACCENT,
  BODY_BOTTOM,
  CONTENT_W,
  LEFT,
  money,
  RIGHT,
  RULE,
  type InvoiceSheet,
} from './invoice-pdf-sheet';

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

/** Draws the lines table from y (continuing on new pages as needed); returns the y below it. */
export function drawLinesTable(sheet: InvoiceSheet, y: number): number {
  const { doc, invoice, text, newPage } = sheet;
  const drawHeader = (top: number): number => {
    doc.rect(LEFT, top, CONTENT_W, 20).fill(ACCENT);
    let x = LEFT;
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

  y = drawHeader(y);
  invoice.lines.forEach((line, i) => {
    const cells: Record<Column['key'], string> = {
      // Exact figures, never rounded for print: quantity × unit price / basis − discount = net.
      description: line.allowance
        ? `${line.description}\n${allowanceText(line.allowance)}`
        : line.description,
      quantity: formatExactDecimal(line.quantity, 0),
      unit: UNIT_LABEL[line.unitCode],
      unitPrice: [formatExactDecimal(line.unitPrice, 2), basisLabel(line)].filter(Boolean).join('\n'),
      vat: vatRateLabel(line.vatRate),
      net: money(line.netAmount),
    };
    doc.font('Helvetica').fontSize(9);
    const descH = doc.heightOfString(cells.description, { width: COLUMNS[0]!.width - padLeft(COLUMNS[0]!) });
    const priceH = doc.heightOfString(cells.unitPrice, { width: COLUMNS[3]!.width });
    const rowH = Math.max(descH, priceH, 11) + 9;
    if (y + rowH > BODY_BOTTOM) y = drawHeader(newPage());
    if (i % 2 === 1) doc.rect(LEFT, y, CONTENT_W, rowH).fill('#f7f9fb');
    let x = LEFT;
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
  doc.moveTo(LEFT, y).lineTo(RIGHT, y).lineWidth(0.8).strokeColor(RULE).stroke();
  y += 14;
  return y;
}

/** The invoice PDF's optional appendix: one row per call, on pages of their own after the invoice. */
import type { CallSpecification } from '../domain/invoicing/call-specification';
import { ACCESS_TYPE_LABELS } from '../domain/invoicing/usage-lines';
import { ACCENT, BODY_BOTTOM, CONTENT_W, LEFT, MUTED, money, type InvoiceSheet } from './invoice-pdf-sheet';

const COLUMNS = [
  { title: 'Start (local time)', width: 110, align: 'left' },
  { title: 'Access', width: 130, align: 'left' },
  { title: 'Number', width: 110, align: 'left' },
  { title: 'Duration', width: 70, align: 'right' },
  { title: 'Amount', width: CONTENT_W - 420 - 32, align: 'right' },
] as const;
const GAP = 8;
const ROW_H = 13;

/** "1:02:03" / "2:03": a call's duration as people read it. */
function duration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Draws the call specification on new pages. */
export function drawCallSpecification(sheet: InvoiceSheet, spec: CallSpecification): void {
  const { invoice, text } = sheet;
  // Local time of the customer's billing zone, as the period is: "2026-11-03 14:05:09".
  const local = (iso: string) => new Date(iso).toLocaleString('sv-SE', { timeZone: invoice.period.timeZone });
  const header = (top: number): number => {
    let x = LEFT;
    for (const c of COLUMNS) {
      text(c.title, x, top, {
        font: 'Helvetica-Bold',
        size: 8,
        color: ACCENT,
        width: c.width,
        align: c.align,
      });
      x += c.width + GAP;
    }
    return top + ROW_H + 2;
  };
  let y = sheet.newPage();
  text(
    `Call specification for ${invoice.documentType === 'credit_note' ? 'credit note' : 'invoice'} ${invoice.number}`,
    LEFT,
    y,
    {
      font: 'Helvetica-Bold',
      size: 12,
    },
  );
  y += 18;
  const shown = spec.rows.length < spec.totalCalls ? `, the first ${spec.rows.length} listed` : '';
  text(
    `${spec.totalCalls} calls${shown}. Numbers are shown without their last digits. Amounts in ${invoice.currency}, as each call was rated.`,
    LEFT,
    y,
    { size: 8.5, color: MUTED, width: CONTENT_W },
  );
  y = header(y + 16);
  for (const r of spec.rows) {
    if (y + ROW_H > BODY_BOTTOM) y = header(sheet.newPage());
    const cells = [
      local(r.start),
      ACCESS_TYPE_LABELS[r.accessType],
      r.number,
      duration(r.durationSeconds),
      money(r.amount),
    ];
    let x = LEFT;
    COLUMNS.forEach((c, i) => {
      text(cells[i]!, x, y, { size: 8, width: c.width, align: c.align });
      x += c.width + GAP;
    });
    y += ROW_H;
  }
}

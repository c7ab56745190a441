/**
 * Invoice number format: SERIES-YEAR-SEQUENCE, the sequence zero-padded to at least 6 digits:
 * formatInvoiceNumber('INV', 2026, 42) === 'INV-2026-000042'. One unbroken sequence per series and
 * year; the counter itself lives in the database (a locked counter row in the issuing transaction).
 * A series is 1–10 upper-case letters or digits, starting with a letter ("INV", "CN", "INVX2").
 */
const SERIES = /^[A-Z][A-Z0-9]{0,9}$/;
const NUMBER = /^([A-Z][A-Z0-9]{0,9})-(\d{4})-(\d{6,})$/;

export function formatInvoiceNumber(series: string, year: number, seq: number): string {
  if (!SERIES.test(series)) throw new RangeError(`bad invoice series ${JSON.stringify(series)}`);
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new RangeError(`bad year ${year}`);
  if (!Number.isSafeInteger(seq) || seq < 1) throw new RangeError(`bad sequence number ${seq}`);
  return `${series}-${year}-${String(seq).padStart(6, '0')}`;
}

export function parseInvoiceNumber(number: string): { series: string; year: number; seq: number } {
  const m = NUMBER.exec(number);
  if (!m) throw new RangeError(`not an invoice number: ${JSON.stringify(number)}`);
  const seq = Number(m[3]);
  if (!Number.isSafeInteger(seq) || seq < 1 || (m[3]!.length > 6 && m[3]!.startsWith('0'))) {
    throw new RangeError(`not an invoice number: ${JSON.stringify(number)}`);
  }
  return { series: m[1]!, year: Number(m[2]), seq };
}

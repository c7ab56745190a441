/**
 * SIE 4 type 4i text (an import file of vouchers, no balances), as the specification's field rules
 * want it: one record a line, lines ending in CR LF; fields separated by a space and quoted when they
 * are empty or hold a space, a quotation mark, a backslash or a brace, with `"` and `\` preceded by a
 * backslash; no control characters (they become spaces); dates YYYYMMDD; amounts with a point and 2
 * decimals. The text is Unicode here: encoding it to code page 437 (#FORMAT PC8) is the caller's
 * edge (src/documents/sie-encoding.ts), so the domain stays free of byte handling.
 */
import type { AccountNumber } from './accounts';
import { ACCOUNTING_CURRENCY, type Voucher } from './vouchers';

export const SIE_LINE_END = '\r\n';

export interface SieExport {
  program: { name: string; version: string };
  /** When the file was written, YYYY-MM-DD (#GEN). */
  generatedOn: string;
  company: { name: string; registrationNumber?: string };
  /** Every account the vouchers use, with its name (#KONTO). */
  accounts: { number: AccountNumber; name: string }[];
  vouchers: Voucher[];
}

/** One SIE field: quoted where needed, `"` and `\` escaped, control characters replaced by spaces. */
export function sieField(value: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');
  const escaped = clean.replace(/[\\"]/g, (c) => `\\${c}`);
  return clean === '' || /[\s"\\{}]/.test(clean) ? `"${escaped}"` : escaped;
}

function sieDate(isoDate: string): string {
  return isoDate.replaceAll('-', '');
}

function record(label: string, ...fields: string[]): string {
  return [`#${label}`, ...fields].join(' ');
}

export function writeSie4i(file: SieExport): string {
  const lines = [
    record('FLAGGA', '0'),
    record('FORMAT', 'PC8'),
    record('SIETYP', '4'),
    record('PROGRAM', sieField(file.program.name), sieField(file.program.version)),
    record('GEN', sieDate(file.generatedOn)),
    record('FNAMN', sieField(file.company.name)),
    ...(file.company.registrationNumber ? [record('ORGNR', sieField(file.company.registrationNumber))] : []),
    record('VALUTA', ACCOUNTING_CURRENCY),
    ...file.accounts.map((a) => record('KONTO', sieField(a.number), sieField(a.name))),
  ];
  for (const v of file.vouchers) {
    // The voucher number is left empty: an import file's vouchers are numbered by the receiving
    // program in its own series; the document number is in the text.
    lines.push(record('VER', sieField(v.series), '""', sieDate(v.date), sieField(v.text)), '{');
    for (const t of v.transactions) lines.push(`   ${record('TRANS', sieField(t.account), '{}', t.amount)}`);
    lines.push('}');
  }
  return lines.join(SIE_LINE_END) + SIE_LINE_END;
}

/**
 * Which importer reads a file, from its content first and its name second (rotated files lose
 * their extension: `Master.csv.1`). Files we do not import get a reason instead of a format, so the
 * operator learns why: conference XML and CEL logs are deliberately not billed from.
 */
import { isCsvError, parseCsv } from './csv';

export const CDR_FILE_FORMATS = ['asterisk-csv', 'freeswitch-json'] as const;
export type CdrFileFormat = (typeof CDR_FILE_FORMATS)[number];

/** For messages: what can be imported, with the `--format` names. */
export const SUPPORTED_FORMATS_TEXT =
  'Asterisk cdr_csv Master.csv (asterisk-csv) and FreeSWITCH JSON CDRs (freeswitch-json)';

export type FormatGuess = { format: CdrFileFormat } | { reason: string };

export function identifyFormat(fileName: string, text: string): FormatGuess {
  const body = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).trimStart();
  const name = fileName.toLowerCase();
  const byName = (why: string): FormatGuess =>
    name.endsWith('.json')
      ? { format: 'freeswitch-json' }
      : name.endsWith('.csv')
        ? { format: 'asterisk-csv' }
        : { reason: why };

  if (body.startsWith('<') || name.endsWith('.xml')) {
    return {
      reason:
        'XML is not imported (FreeSWITCH conference CDRs: conferences are billed from the per-leg JSON CDRs)',
    };
  }
  if (body.startsWith('{') || body.startsWith('[')) {
    return /"variables"\s*:|"channel_data"\s*:/.test(body.slice(0, 200_000))
      ? { format: 'freeswitch-json' }
      : { reason: 'JSON without the "variables" of a FreeSWITCH CDR' };
  }
  if (body === '') return byName('the file is empty');
  const newline = body.indexOf('\n');
  const firstLine = newline === -1 ? body : body.slice(0, newline);
  const rec = parseCsv(firstLine)[0];
  if (!rec || isCsvError(rec)) return byName('the first line is neither CSV nor JSON');
  const f = rec.fields;
  if (/^[A-Z_]+$/.test(f[0] ?? '') && /^\d+(\.\d+)?$/.test(f[1] ?? '') && f.length === 20) {
    return { reason: 'an Asterisk CEL log is not imported (bill from Master.csv)' };
  }
  if (f.length >= 16 && f.length <= 21) return { format: 'asterisk-csv' };
  if (f[0] === 'accountcode') return { format: 'asterisk-csv' };
  return {
    reason: `the first line is not a Master.csv row (${f.length} comma-separated field(s), not 16 to 21)`,
  };
}

/** The format, or undefined for files that are not importable CDRs (see `identifyFormat` for why). */
export function detectFormat(fileName: string, text: string): CdrFileFormat | undefined {
  const guess = identifyFormat(fileName, text);
  return 'format' in guess ? guess.format : undefined;
}

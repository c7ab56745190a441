/**
 * CDR file import: detect a file's format and parse it into CDR drafts (validated and deduplicated
 * afterwards by the same path as streamed CDRs). See docs/cdr-import.md.
 */
import { parseAsteriskCsv, type AsteriskCsvOptions } from './asterisk-csv.js';
import { parseFreeSwitchJson, type FreeSwitchJsonOptions } from './freeswitch-json.js';
import { parseCsv, isCsvError } from './csv.js';
import type { ImportResult } from './common.js';

export type { ImportResult, ImportedDraft, SkippedRow, ImportWarning, CommonImportOptions } from './common.js';
export type { AsteriskCsvOptions } from './asterisk-csv.js';
export type { FreeSwitchJsonOptions } from './freeswitch-json.js';
export { parseAsteriskCsv } from './asterisk-csv.js';
export { parseFreeSwitchJson } from './freeswitch-json.js';

export const CDR_FILE_FORMATS = ['asterisk-csv', 'freeswitch-json'] as const;
export type CdrFileFormat = (typeof CDR_FILE_FORMATS)[number];

/** Options for any format; each importer reads the ones that concern it. */
export type CdrImportOptions = AsteriskCsvOptions & FreeSwitchJsonOptions;

/**
 * Guesses the format from the content, then the file name. Returns undefined for files that are not
 * importable CDRs: FreeSWITCH conference XML (`*.cdr.xml`; conferences are billed from the per-leg
 * JSON), Asterisk CEL logs, empty or unknown files.
 */
export function detectFormat(fileName: string, text: string): CdrFileFormat | undefined {
  const body = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).trimStart();
  const name = fileName.toLowerCase();
  if (body.startsWith('<') || name.endsWith('.xml')) return undefined;
  if (body.startsWith('{') || body.startsWith('[')) {
    return /"variables"\s*:|"channel_data"\s*:/.test(body.slice(0, 200_000)) ? 'freeswitch-json' : undefined;
  }
  if (body === '') return name.endsWith('.json') ? 'freeswitch-json' : name.endsWith('.csv') ? 'asterisk-csv' : undefined;
  const firstLine = body.slice(0, Math.max(body.indexOf('\n'), 0) || body.length);
  const rec = parseCsv(firstLine)[0];
  if (!rec || isCsvError(rec)) return name.endsWith('.csv') ? 'asterisk-csv' : undefined;
  const f = rec.fields;
  if (/^[A-Z_]+$/.test(f[0] ?? '') && /^\d+(\.\d+)?$/.test(f[1] ?? '') && f.length === 20) return undefined; // CEL
  if (f.length >= 16 && f.length <= 21) return 'asterisk-csv';
  if (f[0] === 'accountcode') return 'asterisk-csv';
  return undefined;
}

/** Parses a file's text in the given format. Throws on unusable options (e.g. Asterisk without timeZone). */
export function parseCdrFile(text: string, format: CdrFileFormat, options: CdrImportOptions): ImportResult {
  if (!options || !options.bridgeId) throw new Error('bridgeId is required to import CDR files');
  switch (format) {
    case 'asterisk-csv':
      return parseAsteriskCsv(text, options);
    case 'freeswitch-json':
      return parseFreeSwitchJson(text, options);
    default:
      throw new Error(`unknown CDR file format '${String(format)}'; expected ${CDR_FILE_FORMATS.join(' or ')}`);
  }
}

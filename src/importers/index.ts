/**
 * CDR file import: decode a file, detect its format and parse it into CDR drafts (validated and
 * deduplicated afterwards by the same path as streamed CDRs). See docs/cdr-import.md.
 */
export type {
  ImportResult,
  ImportedDraft,
  SkippedRow,
  RejectedRow,
  ImportWarning,
  CommonImportOptions,
} from './common';
export type { AsteriskCsvOptions } from './asterisk-csv';
export type { FreeSwitchJsonOptions } from './freeswitch-json';
export { parseAsteriskCsv } from './asterisk-csv';
export { parseFreeSwitchJson } from './freeswitch-json';
export { parseCdrFile, type CdrImportOptions } from './parse-cdr-file';
export {
  CDR_FILE_FORMATS,
  SUPPORTED_FORMATS_TEXT,
  detectFormat,
  identifyFormat,
  type CdrFileFormat,
} from './detect-format';
export { TEXT_ENCODINGS, decodeCdrText, type TextEncodingName } from './decode-text';
export { CdrFileError, isCdrFileError } from './cdr-file-error';
export { readCdrFile, type CdrFileRead, type ReadCdrFileOptions } from './read-cdr-file';

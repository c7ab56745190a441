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
} from './common.js';
export type { AsteriskCsvOptions } from './asterisk-csv.js';
export type { FreeSwitchJsonOptions } from './freeswitch-json.js';
export { parseAsteriskCsv } from './asterisk-csv.js';
export { parseFreeSwitchJson } from './freeswitch-json.js';
export { parseCdrFile, type CdrImportOptions } from './parse-cdr-file.js';
export {
  CDR_FILE_FORMATS,
  SUPPORTED_FORMATS_TEXT,
  detectFormat,
  identifyFormat,
  type CdrFileFormat,
} from './detect-format.js';
export { TEXT_ENCODINGS, decodeCdrText, type TextEncodingName } from './decode-text.js';
export { CdrFileError, isCdrFileError } from './cdr-file-error.js';
export { readCdrFile, type CdrFileRead, type ReadCdrFileOptions } from './read-cdr-file.js';

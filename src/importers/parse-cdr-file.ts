/** Parses decoded text with the importer of its format. */
import { parseAsteriskCsv, type AsteriskCsvOptions } from './asterisk-csv';
import { parseFreeSwitchJson, type FreeSwitchJsonOptions } from './freeswitch-json';
import { CdrFileError } from './cdr-file-error';
import { CDR_FILE_FORMATS, type CdrFileFormat } from './detect-format';
import type { ImportResult } from './common';

/** Options for any format; each importer reads the ones that concern it. */
export type CdrImportOptions = AsteriskCsvOptions & FreeSwitchJsonOptions;

/** Throws CdrFileError on unusable options (e.g. Asterisk without timeZone) or an unknown format. */
export function parseCdrFile(text: string, format: CdrFileFormat, options: CdrImportOptions): ImportResult {
  if (!options || !options.bridgeId) throw new CdrFileError('bridgeId is required to import CDR files');
  switch (format) {
    case 'asterisk-csv':
      return parseAsteriskCsv(text, options);
    case 'freeswitch-json':
      return parseFreeSwitchJson(text, options);
    default:
      throw new CdrFileError(
        `unknown CDR file format '${String(format)}'; expected ${CDR_FILE_FORMATS.join(' or ')}`,
      );
  }
}

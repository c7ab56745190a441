/**
 * One CDR file from bytes to parsed rows: refuse binary and undecodable data, say when it is
 * empty, pick the format, parse. Everything the command line needs besides storing, so a dry run
 * and a real run read a file identically.
 */
import { decodeCdrText, type TextEncodingName } from './decode-text';
import { SUPPORTED_FORMATS_TEXT, identifyFormat, type CdrFileFormat } from './detect-format';
import { CdrFileError } from './cdr-file-error';
import { parseCdrFile, type CdrImportOptions } from './parse-cdr-file';
import type { ImportResult } from './common';

export interface ReadCdrFileOptions {
  /** Skip detection (e.g. a rotated file without its extension). */
  format?: CdrFileFormat;
  /** Force the text encoding; default: UTF-16 when detected, else UTF-8 (strict). */
  encoding?: TextEncodingName;
}

export type CdrFileRead =
  /** No bytes, or only whitespace: nothing to import, which the operator should hear about. */
  | { kind: 'empty' }
  | { kind: 'parsed'; format: CdrFileFormat; encoding: TextEncodingName; result: ImportResult };

/**
 * Reads one file's bytes. Throws CdrFileError (one line, for the operator) when the file cannot be
 * imported as a whole: binary or compressed, not decodable, not a supported format, unusable options.
 */
export function readCdrFile(
  fileName: string,
  bytes: Uint8Array,
  options: CdrImportOptions,
  how: ReadCdrFileOptions = {},
): CdrFileRead {
  if (bytes.length === 0) return { kind: 'empty' };
  const { text, encoding } = decodeCdrText(bytes, how.encoding);
  if (text.replace(/^\ufeff/, '').trim() === '') return { kind: 'empty' };
  let format = how.format;
  if (!format) {
    const guess = identifyFormat(fileName, text);
    if (!('format' in guess)) {
      throw new CdrFileError(
        `not a supported CDR file: ${guess.reason}; supported: ${SUPPORTED_FORMATS_TEXT} (--format forces one)`,
      );
    }
    format = guess.format;
  }
  return { kind: 'parsed', format, encoding, result: parseCdrFile(text, format, options) };
}

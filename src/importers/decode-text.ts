/**
 * Turns a CDR file's bytes into text, refusing what it cannot decode for certain. Reading bytes as
 * UTF-8 regardless (what `readFileSync(file, 'utf8')` does) stores Latin-1 names as mojibake and
 * UTF-16 files as rows full of NULs; both are worse than a clear refusal.
 *
 * Without an explicit encoding: UTF-16 is recognised by its BOM or by the NUL byte in every other
 * position that ASCII text has in UTF-16 (Windows tools write it without a BOM), and decoded.
 * Anything else must be valid UTF-8. Latin-1 cannot be told from other 8-bit encodings by looking,
 * so invalid UTF-8 is refused with a hint to say `latin1` rather than guessed.
 */
import { CdrFileError } from './cdr-file-error';
import { SUPPORTED_FORMATS_TEXT } from './detect-format';
import { describeBinary } from './sniff-binary';

export const TEXT_ENCODINGS = ['utf8', 'latin1', 'utf16le', 'utf16be'] as const;
export type TextEncodingName = (typeof TEXT_ENCODINGS)[number];

/** WHATWG labels. `latin1` is Windows-1252 there: a superset of ISO-8859-1 for every printable byte. */
const LABEL: Record<TextEncodingName, string> = {
  utf8: 'utf-8',
  latin1: 'latin1',
  utf16le: 'utf-16le',
  utf16be: 'utf-16be',
};

export interface DecodedText {
  text: string;
  /** The encoding used: the one given, or the one detected. */
  encoding: TextEncodingName;
}

/** How many leading bytes the NUL-pattern check of UTF-16 looks at. */
const UTF16_SAMPLE = 4096;

/** UTF-16 by byte order mark, else by NULs in (nearly) every odd or every even position. */
export function detectUtf16(bytes: Uint8Array): 'utf16le' | 'utf16be' | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf16be';
  const pairs = Math.floor(Math.min(bytes.length, UTF16_SAMPLE) / 2);
  if (pairs < 2) return undefined;
  let evenNul = 0;
  let oddNul = 0;
  for (let k = 0; k < pairs; k++) {
    if (bytes[2 * k] === 0) evenNul++;
    if (bytes[2 * k + 1] === 0) oddNul++;
  }
  // CDR files are mostly ASCII, so nearly every code unit has a zero high byte; binary data does not
  // put its NULs in one lane like that.
  if (oddNul >= 0.7 * pairs && evenNul <= 0.05 * pairs) return 'utf16le';
  if (evenNul >= 0.7 * pairs && oddNul <= 0.05 * pairs) return 'utf16be';
  return undefined;
}

function decodeStrict(bytes: Uint8Array, encoding: TextEncodingName): string | undefined {
  try {
    return new TextDecoder(LABEL[encoding], { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** 1-based line of the first invalid UTF-8 sequence (a LF byte never occurs inside a UTF-8 sequence). */
function firstInvalidUtf8Line(bytes: Uint8Array): number {
  let line = 1;
  let from = 0;
  while (from <= bytes.length) {
    let nl = bytes.indexOf(0x0a, from);
    if (nl === -1) nl = bytes.length;
    if (decodeStrict(bytes.subarray(from, nl), 'utf8') === undefined) return line;
    from = nl + 1;
    line++;
  }
  return line;
}

/**
 * Decodes a file's bytes. `encoding` forces one (`latin1` for Latin-1 / Windows-1252 files).
 * Throws CdrFileError for compressed or binary data and for bytes invalid in the encoding.
 */
export function decodeCdrText(bytes: Uint8Array, encoding?: TextEncodingName): DecodedText {
  const chosen = encoding ?? detectUtf16(bytes);
  if (chosen !== 'utf16le' && chosen !== 'utf16be') {
    const binary = describeBinary(bytes);
    if (binary) throw new CdrFileError(`${binary}, not a CDR file; supported: ${SUPPORTED_FORMATS_TEXT}`);
  }
  const used = chosen ?? 'utf8';
  const text = decodeStrict(bytes, used);
  if (text !== undefined) return { text, encoding: used };
  if (used === 'utf8') {
    const hint = encoding ? '' : '; if it is Latin-1 (ISO-8859-1/Windows-1252), pass --encoding latin1';
    throw new CdrFileError(`line ${firstInvalidUtf8Line(bytes)} is not valid UTF-8${hint}`);
  }
  throw new CdrFileError(`not valid ${used === 'utf16le' ? 'UTF-16LE' : 'UTF-16BE'} text`);
}

/**
 * SIE 4 text to bytes: code page 437, which `#FORMAT PC8` names (the only encoding SIE 4 allows).
 *
 * Names come from other systems in any Unicode form, so the text is first composed (NFC: an "Å"
 * typed as A + ring is the one CP437 byte 0x8F, not "A?"), then a character the code page lacks is
 * spelled with ones it has: typographic quotes and dashes as ' and -, € as EUR, Ł as L, a letter
 * with a diacritic CP437 lacks (ą, š, ő) as its base letter. Only what has no such spelling becomes
 * "?". A replacement never introduces a quotation mark, backslash, brace or space where there was
 * none, so the fields the writer quoted and escaped keep their meaning (Unicode spaces, whose fields
 * the writer quoted, become plain spaces).
 */
import iconv from 'iconv-lite';
import type { EncodeSieText } from '../app/bookkeeping/ports';

/** Every printable character code page 437 has (bytes 0x20-0xFF). */
const CP437 = new Set(iconv.decode(Buffer.from(Array.from({ length: 0xe0 }, (_, k) => k + 0x20)), 'cp437'));

const SPELLED: Record<string, string> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201a': "'",
  '\u201b': "'",
  '\u2032': "'",
  '\u201c': "'",
  '\u201d': "'",
  '\u201e': "'",
  '\u201f': "'",
  '\u2033': "'",
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2015': '-',
  '\u2212': '-',
  '\u2026': '...',
  '\u2022': '\u00b7',
  '\u20ac': 'EUR',
  '\u2122': 'TM',
  '\u00a9': '(C)',
  '\u00ae': '(R)',
  '\u00d7': 'x',
  '\u0141': 'L',
  '\u0142': 'l',
  '\u0110': 'D',
  '\u0111': 'd',
  '\u00d0': 'D',
  '\u00f0': 'd',
  '\u00d8': 'O',
  '\u00f8': 'o',
  '\u0152': 'OE',
  '\u0153': 'oe',
  '\u00de': 'Th',
  '\u00fe': 'th',
  '\u0131': 'i',
  '\u0130': 'I',
};

/** One character CP437 lacks, spelled with characters it has (or "?"). */
function spell(ch: string): string {
  const spelled = SPELLED[ch];
  if (spelled !== undefined) return spelled;
  if (/\s/u.test(ch)) return ' ';
  const base = ch.normalize('NFD').replace(/\p{M}/gu, '');
  if (base !== '' && base !== ch && [...base].every((c) => CP437.has(c))) return base;
  return '?';
}

/** The text with every character CP437 lacks spelled with ones it has. */
export function toCp437Repertoire(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    out += CP437.has(ch) || ch === '\r' || ch === '\n' ? ch : spell(ch);
  }
  return out;
}

export const encodeSieText: EncodeSieText = (text) => iconv.encode(toCp437Repertoire(text), 'cp437');

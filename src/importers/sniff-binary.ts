/**
 * Recognises bytes that are not a text file, before anything tries to decode them: CDR files are
 * often rotated and compressed (`Master.csv.1.gz`), and a compressed or binary file decoded as text
 * would produce a screen of garbage rows instead of one clear message.
 */

const MAGIC: Array<{ bytes: number[]; what: string }> = [
  { bytes: [0x1f, 0x8b], what: 'gzip-compressed data (decompress it first, e.g. gunzip)' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a zip archive (extract it first)' },
  { bytes: [0x42, 0x5a, 0x68], what: 'bzip2-compressed data (decompress it first, e.g. bunzip2)' },
  {
    bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00],
    what: 'xz-compressed data (decompress it first, e.g. unxz)',
  },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], what: 'zstd-compressed data (decompress it first, e.g. unzstd)' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: 'a 7-zip archive (extract it first)' },
  { bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], what: 'a PDF document' },
];

/** How much of the start of a file is inspected for NUL bytes: enough to see many rows. */
export const SNIFF_BYTES = 64 * 1024;

/**
 * Says what kind of non-text data `bytes` holds (compressed, archive, or binary with NUL bytes),
 * or undefined when it may be text. Call it after ruling out UTF-16, whose ASCII text is full of NULs.
 */
export function describeBinary(bytes: Uint8Array): string | undefined {
  for (const { bytes: magic, what } of MAGIC) {
    if (bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b)) return what;
  }
  const nul = bytes.subarray(0, SNIFF_BYTES).indexOf(0);
  if (nul !== -1) return `binary data (a NUL byte at offset ${nul})`;
  return undefined;
}

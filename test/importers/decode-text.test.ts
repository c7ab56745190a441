/** Bytes to text: UTF-16 detected, invalid UTF-8 refused unless latin1 is said, binary refused. */
import { describe, expect, it } from 'vitest';
import { decodeCdrText, detectUtf16 } from '../../src/importers/decode-text';
import { describeBinary } from '../../src/importers/sniff-binary';
import { CdrFileError } from '../../src/importers/cdr-file-error';

const latin1 = (s: string) => Buffer.from(s, 'latin1');
const utf16le = (s: string) => Buffer.from(s, 'utf16le');
const utf16be = (s: string) => Buffer.from(s, 'utf16le').swap16();

describe('decodeCdrText', () => {
  it('decodes UTF-8, dropping a BOM', () => {
    expect(decodeCdrText(Buffer.from('\ufeff"Nyström",1\n', 'utf8'))).toEqual({
      text: '"Nyström",1\n',
      encoding: 'utf8',
    });
  });

  it('refuses Latin-1 (invalid UTF-8) with the line and a hint, instead of storing mojibake', () => {
    const bytes = latin1('"ok",1\n"Nyström",2\n');
    expect(() => decodeCdrText(bytes)).toThrow(CdrFileError);
    expect(() => decodeCdrText(bytes)).toThrow(
      /^line 2 is not valid UTF-8; if it is Latin-1 .*pass --encoding latin1$/,
    );
    expect(decodeCdrText(bytes, 'latin1')).toEqual({ text: '"ok",1\n"Nyström",2\n', encoding: 'latin1' });
    // Said utf8 explicitly: refused without suggesting what was not asked for.
    expect(() => decodeCdrText(bytes, 'utf8')).toThrow(/^line 2 is not valid UTF-8$/);
  });

  it('detects UTF-16 by BOM or by the NUL pattern of ASCII text, and decodes it', () => {
    const text = '"Nyström","+4681234",1\n';
    expect(decodeCdrText(Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le(text)]))).toEqual({
      text,
      encoding: 'utf16le',
    });
    expect(decodeCdrText(Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)]))).toEqual({
      text,
      encoding: 'utf16be',
    });
    expect(decodeCdrText(utf16le(text))).toEqual({ text, encoding: 'utf16le' });
    expect(decodeCdrText(utf16be(text))).toEqual({ text, encoding: 'utf16be' });
    expect(decodeCdrText(utf16le(text), 'utf16le').text).toBe(text);
    expect(detectUtf16(Buffer.from('plain ascii'))).toBeUndefined();
  });

  it('refuses gzip, zip and other binary data, naming what it is and the supported formats', () => {
    const gz = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03]);
    expect(() => decodeCdrText(gz)).toThrow(
      /^gzip-compressed data \(decompress it first, e.g\. gunzip\), not a CDR file; supported: Asterisk cdr_csv Master\.csv \(asterisk-csv\) and FreeSWITCH JSON CDRs \(freeswitch-json\)$/,
    );
    expect(() => decodeCdrText(Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2]))).toThrow(/^a zip archive/);
    const binary = Buffer.from([
      0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
      0x00, 0x3e, 0x00,
    ]);
    expect(() => decodeCdrText(binary)).toThrow(
      /^binary data \(a NUL byte at offset 7\), not a CDR file; supported: /,
    );
    // Even when an 8-bit encoding is forced, compressed data is not decoded into garbage rows.
    expect(() => decodeCdrText(gz, 'latin1')).toThrow(/^gzip-compressed/);
    expect(describeBinary(Buffer.from('"a","b"\n'))).toBeUndefined();
  });
});

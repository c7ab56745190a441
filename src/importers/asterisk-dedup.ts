/**
 * Record ids of Master.csv rows, and dedup within the file. A uniqueid is not unique per row
 * (transfers, parallel dials and conference pairs repeat it; 16-column files have none), so the id
 * is built as AsteriskCsvOptions.recordId says, stable across re-imports of the same file.
 */
import { sha256Hex } from './common';
import type { AsteriskRow } from './asterisk-row';

export type RecordIdMode = 'auto' | 'uniqueid-sequence' | 'uniqueid' | 'row-hash';

/** The record id of a row, or undefined when `mode` needs columns the row lacks. */
export function recordIdOf(r: AsteriskRow, mode: RecordIdMode): string | undefined {
  const rowHash = sha256Hex(r.fields.join('\u0000'));
  switch (mode) {
    case 'auto':
      if (r.uniqueid && r.sequence) return `${r.uniqueid}:${r.sequence}`;
      return r.uniqueid ? `${r.uniqueid}:${rowHash.slice(0, 16)}` : `row:${rowHash.slice(0, 32)}`;
    case 'uniqueid-sequence':
      return r.uniqueid && r.sequence ? `${r.uniqueid}:${r.sequence}` : undefined;
    case 'uniqueid':
      return r.uniqueid || undefined;
    case 'row-hash':
      return `row:${rowHash.slice(0, 32)}`;
  }
}

/** What to do with a row whose record id an earlier row of the file already has. */
export type Repeat = { skip: string } | { reject: string };

/** The record ids seen so far in one file, with the line and content of the row that had each first. */
export class SeenRecordIds {
  private readonly seen = new Map<string, { line: number; key: string }>();

  /**
   * Undefined the first time `recordId` is seen (it is then remembered); else what the repeat is.
   * A row written twice is harmless (Master.csv + accountlogs); the same id with other content is
   * a lost call.
   */
  repeat(recordId: string, r: AsteriskRow, mode: RecordIdMode): Repeat | undefined {
    // A digest of the row, not the row: a file of a million rows would hold a second copy of itself.
    const key = sha256Hex(r.fields.join('\u0000'));
    const prev = this.seen.get(recordId);
    if (!prev) {
      this.seen.set(recordId, { line: r.line, key });
      return undefined;
    }
    if (prev.key === key) return { skip: `identical to line ${prev.line} (row written twice)` };
    return {
      reject: `record id '${recordId}' repeats line ${prev.line} with other content (recordId '${mode}')`,
    };
  }
}

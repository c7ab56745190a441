/**
 * Importer for Asterisk `cdr_csv` files (`/var/log/asterisk/cdr-csv/Master.csv`). See
 * docs/cdr-import.md and shared/cdr-samples/FORMATS.md §1 for the format and the decisions below.
 * The file's rows are read by asterisk-rows.ts (layout: asterisk-layout.ts, one row:
 * asterisk-row.ts); here they become drafts: one per row (record ids and dedup: asterisk-dedup.ts),
 * or one per conference participant (asterisk-conferences.ts, asterisk-participants.ts).
 */
import type { CdrDraft } from '../domain/cdr-validation';
import {
  accessTypeFor,
  assertZone,
  numberField,
  type AmbiguousTimePolicy,
  type CommonImportOptions,
  type ImportResult,
} from './common';
import type { AsteriskLayoutOptions } from './asterisk-layout';
import { CdrFileError } from './cdr-file-error';
import { conferenceInstances } from './asterisk-conferences';
import { recordIdOf, SeenRecordIds, type RecordIdMode } from './asterisk-dedup';
import { accountOf, callerOf } from './asterisk-parties';
import { participantDrafts } from './asterisk-participants';
import type { AsteriskRow } from './asterisk-row';
import { readAsteriskRows } from './asterisk-rows';

/**
 * `logUniqueId`, `logUserField`, `newCdrColumns` (from AsteriskLayoutOptions) are the `cdr.conf`
 * `[csv]` settings that add optional columns: `loguniqueid` (+uniqueid), `loguserfield`
 * (+userfield), `newcdrcolumns` (+peeraccount, linkedid, sequence); 16 columns + each. The layout is
 * decided once per file: from these options when any is given (the others count as `false`), else
 * from a header line, else from the first row's column count (16, 18, 19 or 21; 17 and 20 are
 * ambiguous and the file is refused until the options are given). Rows with another column count
 * are rejected.
 */
export interface AsteriskCsvOptions extends CommonImportOptions, AsteriskLayoutOptions {
  /**
   * IANA time zone (or `'UTC'`) the `start`/`answer`/`end` columns were written in. Asterisk writes
   * them without a zone: UTC when `cdr.conf` has `usegmtime=yes` (the shipped sample config), the
   * host's local time otherwise. **Required** for Asterisk files: there is no safe default, and
   * parsing throws without it. The importer cross-checks it against the epoch inside default
   * uniqueids and warns when they disagree by a whole number of half-hours.
   */
  timeZone?: string;
  /**
   * A local time that occurs twice (the hour when DST ends): `'earlier'` (default) takes the first
   * occurrence (the daylight-time one), `'later'` the second, `'reject'` rejects the row. Local times
   * that do not exist (the DST gap) are always rejected. Durations come from `billsec`, so a wrong
   * choice shifts the call by an hour but never changes its length.
   */
  ambiguousTime?: AmbiguousTimePolicy;
  /**
   * How `record_id` is built (uniqueid is **not** unique per row: transfers, parallel dials and
   * conference pairs repeat it; 16-column files have none):
   * - `'auto'` (default): `uniqueid:sequence` with newcdrcolumns; else `uniqueid:` + 16 hex of a
   *   hash of the row's fields; else (no uniqueid) `row:` + 32 hex of that hash. Stable across
   *   re-imports of the same file, so a re-import is a harmless duplicate.
   * - `'uniqueid-sequence'`: require both, reject rows without them.
   * - `'uniqueid'`: the uniqueid alone; a later row repeating it is rejected.
   * - `'row-hash'`: always `row:` + hash of the fields.
   */
  recordId?: RecordIdMode;
  /**
   * Column holding the customer account: `'accountcode'` (default), `'userfield'` (needs
   * loguserfield) or `'peeraccount'` (needs newcdrcolumns). Empty → `defaultCustomerAccount`.
   */
  customerAccountFrom?: 'accountcode' | 'userfield' | 'peeraccount';
  /**
   * Caller number source: `'src'` (default; the Caller ID number, falling back to the number in
   * `clid` when src is empty) or `'clid'` (the `<number>` in `clid`, falling back to src).
   */
  callerNumberColumn?: 'src' | 'clid';
  /**
   * Conference rows. ConfBridge writes one row per **pair** of participants (3 people → 3 rows), so
   * rows are not participant legs:
   * - `'participants'` (default): rows of one conference (same room, overlapping in time) are
   *   turned into one record per participant channel (Party A or B): start = its earliest row start
   *   as Party A (else its earliest pair answer), answer = earliest pair answer, end = latest end,
   *   duration = end − answer (the only computed duration; pair billsecs cannot be summed). A
   *   participant seen only as Party B has no caller number. The whole conference must be in the file.
   * - `'pairs'`: every row imported as is (billsec per pair). Over-bills multi-party conferences.
   * - `'skip'`: conference rows are skipped (bill conferences from another source, never both).
   */
  conferenceRows?: 'participants' | 'pairs' | 'skip';
  /** `lastapp` values that mark conference rows. Default `['ConfBridge']`. */
  conferenceApps?: string[];
}

/**
 * Parses the text of a Master.csv file into CDR drafts. Throws CdrFileError when `timeZone` is
 * missing or unknown, or when the file's layout cannot be decided (see AsteriskCsvOptions).
 */
export function parseAsteriskCsv(text: string, opts: AsteriskCsvOptions): ImportResult {
  if (!opts.timeZone) {
    throw new CdrFileError(
      "Asterisk CSV needs a time zone (--time-zone): the file's times carry none (UTC if cdr.conf has usegmtime=yes, else the host's zone)",
    );
  }
  assertZone(opts.timeZone);
  const confMode = opts.conferenceRows ?? 'participants';
  const confApps = opts.conferenceApps ?? ['ConfBridge'];

  const result: ImportResult = { drafts: [], skipped: [], rejected: [], warnings: [] };
  const rows = readAsteriskRows(
    text,
    { ...opts, zone: opts.timeZone, ambiguous: opts.ambiguousTime ?? 'earlier' },
    result,
  );

  const isConf = (r: AsteriskRow) => confApps.includes(r.lastapp);
  const plain = rows.filter((r) => !isConf(r) || confMode === 'pairs');
  const conf = rows.filter((r) => isConf(r) && confMode !== 'pairs');

  // Unanswered filter (answered = answer column non-empty; disposition is informational).
  const keepRow = (r: AsteriskRow): boolean => {
    if (r.answer || opts.keepUnanswered) return true;
    result.skipped.push({
      line: r.line,
      reason: `unanswered (${r.disposition || 'no disposition'}); keepUnanswered is off`,
    });
    return false;
  };

  const instanceOf = conferenceInstances(rows.filter(isConf));
  addRowDrafts(plain.filter(keepRow), instanceOf, opts, result);

  if (confMode === 'skip') {
    for (const r of conf)
      result.skipped.push({
        line: r.line,
        reason: `conference row (${r.lastapp}); conferenceRows is 'skip'`,
      });
  } else if (confMode === 'participants') {
    result.drafts.push(...participantDrafts(conf.filter(keepRow), instanceOf, opts, result.warnings));
  }

  result.drafts.sort((a, b) => a.line - b.line);
  result.skipped.sort((a, b) => a.line - b.line);
  result.rejected.sort((a, b) => a.line - b.line);
  return result;
}

/** Plain rows (and conference rows in 'pairs' mode): one record per row, rows repeating an id set aside. */
function addRowDrafts(
  rows: AsteriskRow[],
  instanceOf: Map<AsteriskRow, string>,
  opts: AsteriskCsvOptions,
  result: ImportResult,
): void {
  const mode = opts.recordId ?? 'auto';
  const seen = new SeenRecordIds();
  for (const r of rows) {
    const recordId = recordIdOf(r, mode);
    if (!recordId) {
      result.rejected.push({
        line: r.line,
        reason: `no record id: recordId '${mode}' needs columns this row lacks`,
      });
      continue;
    }
    const repeat = seen.repeat(recordId, r, mode);
    if (repeat) {
      if ('skip' in repeat) result.skipped.push({ line: r.line, reason: repeat.skip });
      else result.rejected.push({ line: r.line, reason: repeat.reject });
      continue;
    }
    const draft: CdrDraft = {
      bridgeId: opts.bridgeId,
      recordId,
      conferenceId: instanceOf.get(r) ?? (r.linkedid || r.uniqueid || recordId),
      customerAccount: accountOf(r, opts),
      accessType: accessTypeFor(r.dcontext, opts),
      callerNumber: numberField(callerOf(r, opts), 'caller_number', r.line, opts, result.warnings),
      calledNumber: numberField(r.dst, 'called_number', r.line, opts, result.warnings),
      startTime: r.start,
      endTime: r.end,
      durationSeconds: r.answer ? r.billsec : 0,
      features: [],
    };
    if (r.answer) draft.answerTime = r.answer;
    result.drafts.push({ line: r.line, draft });
  }
}

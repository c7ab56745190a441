/**
 * Importer for Asterisk `cdr_csv` files (`/var/log/asterisk/cdr-csv/Master.csv`). See
 * docs/cdr-import.md and shared/cdr-samples/FORMATS.md §1 for the format and the decisions below.
 */
import {
  accessTypeFor,
  assertZone,
  numberField,
  sha256Hex,
  parseNaiveLocal,
  type AmbiguousTimePolicy,
  type CommonImportOptions,
  type ImportResult,
  type ImportWarning,
} from './common.js';
import { isCsvError, parseCsv } from './csv.js';
import {
  checkAgainstOptions,
  columnCount,
  isHeaderLine,
  layoutFromFirstRow,
  layoutFromHeader,
  layoutFromOptions,
  type AsteriskLayout,
  type AsteriskLayoutOptions,
} from './asterisk-layout.js';
import { CdrFileError } from './cdr-file-error.js';
import type { CdrDraft } from '../domain/cdr-validation.js';

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
  recordId?: 'auto' | 'uniqueid-sequence' | 'uniqueid' | 'row-hash';
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

interface Row {
  line: number;
  fields: string[];
  accountcode: string;
  src: string;
  dst: string;
  dcontext: string;
  clid: string;
  channel: string;
  dstchannel: string;
  lastapp: string;
  lastdata: string;
  startRaw: string;
  answerRaw: string;
  endRaw: string;
  start: Date;
  answer?: Date;
  end: Date;
  billsec: number;
  disposition: string;
  uniqueid?: string;
  userfield?: string;
  peeraccount?: string;
  linkedid?: string;
  sequence?: string;
}

const CEL_EVENTS =
  /^(CHAN_START|CHAN_END|ANSWER|HANGUP|APP_START|APP_END|BRIDGE_ENTER|BRIDGE_EXIT|BRIDGE_START|BRIDGE_END|LINKEDID_END|PARK_START|PARK_END|BLINDTRANSFER|ATTENDEDTRANSFER|USER_DEFINED|PICKUP|FORWARD|LOCAL_OPTIMIZE)$/;

/** The number inside a Caller ID like `"Alice" <100>`, or the whole value when it has no brackets. */
export function clidNumber(clid: string): string | undefined {
  const m = /<([^<>]*)>\s*$/.exec(clid);
  const n = (m ? m[1]! : clid).trim();
  return n === '' ? undefined : n;
}

function conferenceRoom(lastdata: string): string {
  // ConfBridge(conference[,bridge_profile[,user_profile[,menu]]]); Asterisk 1.8 used `|`.
  return lastdata.split(/[,|]/)[0]!.trim();
}

function uniqueIdEpoch(uniqueid: string | undefined): number | undefined {
  if (!uniqueid) return undefined;
  const m = /(?:^|-)(\d{9,10})\.\d+$/.exec(uniqueid);
  return m ? Number(m[1]) : undefined;
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
  const zone = opts.timeZone;
  const ambiguous = opts.ambiguousTime ?? 'earlier';
  const recordIdMode = opts.recordId ?? 'auto';
  const accountFrom = opts.customerAccountFrom ?? 'accountcode';
  const confMode = opts.conferenceRows ?? 'participants';
  const confApps = opts.conferenceApps ?? ['ConfBridge'];

  const result: ImportResult = { drafts: [], skipped: [], rejected: [], warnings: [] };
  const rows: Row[] = [];
  const zoneMismatch = new Map<number, { line: number; count: number }>();
  // The file's layout: from the options, else a header, else the first row; never changed afterwards.
  const configured = layoutFromOptions(opts);
  let layout: AsteriskLayout | undefined = configured;
  let layoutSource = 'the cdr.conf options given';
  let first = true; // no header or data row seen yet

  for (const rec of parseCsv(text)) {
    if (isCsvError(rec)) {
      result.rejected.push({ line: rec.line, reason: `malformed CSV: ${rec.error}` });
      continue;
    }
    const f = rec.fields;
    if (f.length === 1 && f[0] === '') continue; // blank line
    if (isHeaderLine(f)) {
      if (first) {
        const named = layoutFromHeader(f, rec.line);
        checkAgainstOptions(named, configured, rec.line);
        if (!layout) {
          layout = named;
          layoutSource = `the header on line ${rec.line}`;
        }
      } else if (f.length !== columnCount(layout!)) {
        // A later header (files concatenated) naming other columns: the rows after it would not fit either.
        result.rejected.push({
          line: rec.line,
          reason: `header line with ${f.length} columns; this file's rows have ${columnCount(layout!)} (from ${layoutSource})`,
        });
        continue;
      }
      first = false;
      result.skipped.push({ line: rec.line, reason: 'header line' });
      continue;
    }
    if (CEL_EVENTS.test(f[0] ?? '') && /^\d+(\.\d+)?$/.test(f[1] ?? '')) {
      result.skipped.push({
        line: rec.line,
        reason: 'a CEL event row, not a CDR (CEL files are not imported)',
      });
      continue;
    }
    if (!layout) {
      layout = layoutFromFirstRow(f.length, rec.line);
      layoutSource = `line ${rec.line}, the first row`;
    }
    first = false;
    if (f.length !== columnCount(layout)) {
      result.rejected.push({
        line: rec.line,
        reason: `has ${f.length} columns; this file's rows have ${columnCount(layout)} (from ${layoutSource})`,
      });
      continue;
    }
    const [
      accountcode,
      src,
      dst,
      dcontext,
      clid,
      channel,
      dstchannel,
      lastapp,
      lastdata,
      startRaw,
      answerRaw,
      endRaw,
    ] = f as [string, string, string, string, string, string, string, string, string, string, string, string];
    const billsecRaw = f[13]!;
    const disposition = f[14]!;
    let k = 16;
    const uniqueid = layout.uniqueid ? f[k++] : undefined;
    const userfield = layout.userfield ? f[k++] : undefined;
    const peeraccount = layout.newcols ? f[k++] : undefined;
    const linkedid = layout.newcols ? f[k++] : undefined;
    const sequence = layout.newcols ? f[k++] : undefined;

    const problems: string[] = [];
    const time = (name: string, raw: string): Date | undefined => {
      if (raw.trim() === '') return undefined;
      const r = parseNaiveLocal(raw, zone, ambiguous);
      if (!r.ok) problems.push(`${name}: ${r.error}`);
      return r.ok ? r.date : undefined;
    };
    const start = time('start', startRaw);
    const answer = time('answer', answerRaw);
    const end = time('end', endRaw);
    if (startRaw.trim() === '') problems.push('start is empty');
    if (endRaw.trim() === '') problems.push('end is empty');
    if (!/^\d+$/.test(billsecRaw.trim())) problems.push(`billsec '${billsecRaw}' is not a whole number`);
    if (problems.length > 0 || !start || !end) {
      result.rejected.push({ line: rec.line, reason: problems.join('; ') });
      continue;
    }

    const epoch = uniqueIdEpoch(uniqueid);
    if (epoch !== undefined) {
      const diff = start.getTime() / 1000 - epoch;
      const halfHours = Math.round(diff / 1800);
      if (halfHours !== 0 && Math.abs(diff - halfHours * 1800) <= 120 && Math.abs(halfHours) <= 28) {
        const seenOffset = zoneMismatch.get(halfHours / 2);
        if (seenOffset) seenOffset.count++;
        else zoneMismatch.set(halfHours / 2, { line: rec.line, count: 1 });
      }
    }

    rows.push({
      line: rec.line,
      fields: f,
      accountcode,
      src,
      dst,
      dcontext,
      clid,
      channel,
      dstchannel,
      lastapp,
      lastdata,
      startRaw,
      answerRaw,
      endRaw,
      start,
      answer,
      end,
      billsec: Number(billsecRaw.trim()),
      disposition,
      uniqueid,
      userfield,
      peeraccount,
      linkedid,
      sequence,
    });
  }

  for (const [hours, m] of zoneMismatch) {
    result.warnings.push({
      line: m.line,
      message:
        `start differs from the channel creation time inside uniqueid by ${hours > 0 ? '+' : ''}${hours} h ` +
        `(${m.count} row(s) from this line on): timeZone '${zone}' is probably not the zone they were written in`,
    });
  }

  /** Party A rows use the chosen column; a participant seen only as Party B takes peeraccount, else A's. */
  const accountOf = (r: Row, asPartyB = false): string | undefined => {
    let v: string | undefined;
    if (accountFrom === 'userfield') v = r.userfield;
    else if (accountFrom === 'peeraccount') v = r.peeraccount;
    else v = asPartyB ? r.peeraccount || r.accountcode : r.accountcode;
    v = v?.trim();
    return v ? v : opts.defaultCustomerAccount;
  };
  const callerOf = (r: Row): string | undefined => {
    const fromClid = clidNumber(r.clid);
    const order = (opts.callerNumberColumn ?? 'src') === 'src' ? [r.src, fromClid] : [fromClid, r.src];
    return order.find((x) => x !== undefined && x.trim() !== '');
  };

  const isConf = (r: Row) => confApps.includes(r.lastapp);
  const plain = rows.filter((r) => !isConf(r) || confMode === 'pairs');
  const conf = rows.filter((r) => isConf(r) && confMode !== 'pairs');

  // Unanswered filter (answered = answer column non-empty; disposition is informational).
  const keepRow = (r: Row): boolean => {
    if (r.answer || opts.keepUnanswered) return true;
    result.skipped.push({
      line: r.line,
      reason: `unanswered (${r.disposition || 'no disposition'}); keepUnanswered is off`,
    });
    return false;
  };

  // Conference instances: same room, rows overlapping in time (transitively).
  const instanceOf = new Map<Row, string>();
  {
    const confRows = rows.filter(isConf);
    const byRoom = new Map<string, Row[]>();
    for (const r of confRows) {
      const room = conferenceRoom(r.lastdata) || r.dst;
      if (!byRoom.has(room)) byRoom.set(room, []);
      byRoom.get(room)!.push(r);
    }
    for (const [room, list] of byRoom) {
      list.sort((a, b) => a.start.getTime() - b.start.getTime());
      let group: Row[] = [];
      let groupEnd = -Infinity;
      const flush = () => {
        if (group.length === 0) return;
        const first = group[0]!.start.toISOString().replace('.000Z', 'Z');
        for (const g of group) instanceOf.set(g, `${room}@${first}`);
      };
      for (const r of list) {
        if (r.start.getTime() > groupEnd) {
          flush();
          group = [];
        }
        group.push(r);
        groupEnd = Math.max(groupEnd, r.end.getTime());
      }
      flush();
    }
  }

  // Plain rows (and conference rows in 'pairs' mode): one record per row.
  const seenIds = new Map<string, { line: number; key: string }>();
  for (const r of plain) {
    if (!keepRow(r)) continue;
    const contentKey = r.fields.join('\u0000');
    const rowHash = sha256Hex(contentKey);
    let recordId: string | undefined;
    switch (recordIdMode) {
      case 'auto':
        recordId =
          r.uniqueid && r.sequence
            ? `${r.uniqueid}:${r.sequence}`
            : r.uniqueid
              ? `${r.uniqueid}:${rowHash.slice(0, 16)}`
              : `row:${rowHash.slice(0, 32)}`;
        break;
      case 'uniqueid-sequence':
        recordId = r.uniqueid && r.sequence ? `${r.uniqueid}:${r.sequence}` : undefined;
        break;
      case 'uniqueid':
        recordId = r.uniqueid || undefined;
        break;
      case 'row-hash':
        recordId = `row:${rowHash.slice(0, 32)}`;
        break;
    }
    if (!recordId) {
      result.rejected.push({
        line: r.line,
        reason: `no record id: recordId '${recordIdMode}' needs columns this row lacks`,
      });
      continue;
    }
    const prev = seenIds.get(recordId);
    if (prev) {
      // A row written twice is harmless (Master.csv + accountlogs); the same id with other content is a lost call.
      if (prev.key === contentKey)
        result.skipped.push({ line: r.line, reason: `identical to line ${prev.line} (row written twice)` });
      else {
        result.rejected.push({
          line: r.line,
          reason: `record id '${recordId}' repeats line ${prev.line} with other content (recordId '${recordIdMode}')`,
        });
      }
      continue;
    }
    seenIds.set(recordId, { line: r.line, key: contentKey });

    const draft: CdrDraft = {
      bridgeId: opts.bridgeId,
      recordId,
      conferenceId: instanceOf.get(r) ?? (r.linkedid || r.uniqueid || recordId),
      customerAccount: accountOf(r),
      accessType: accessTypeFor(r.dcontext, opts),
      callerNumber: numberField(callerOf(r), 'caller_number', r.line, opts, result.warnings),
      calledNumber: numberField(r.dst, 'called_number', r.line, opts, result.warnings),
      startTime: r.start,
      endTime: r.end,
      durationSeconds: r.answer ? r.billsec : 0,
      features: [],
    };
    if (r.answer) draft.answerTime = r.answer;
    result.drafts.push({ line: r.line, draft });
  }

  if (confMode === 'skip') {
    for (const r of conf)
      result.skipped.push({
        line: r.line,
        reason: `conference row (${r.lastapp}); conferenceRows is 'skip'`,
      });
  } else if (confMode === 'participants') {
    addParticipants(conf.filter(keepRow), instanceOf, opts, result, accountOf, callerOf);
  }

  result.drafts.sort((a, b) => a.line - b.line);
  result.skipped.sort((a, b) => a.line - b.line);
  result.rejected.sort((a, b) => a.line - b.line);
  return result;
}

function addParticipants(
  rows: Row[],
  instanceOf: Map<Row, string>,
  opts: AsteriskCsvOptions,
  result: ImportResult,
  accountOf: (r: Row, asPartyB?: boolean) => string | undefined,
  callerOf: (r: Row) => string | undefined,
): void {
  interface P {
    conference: string;
    channel: string;
    line: number;
    asA: Row[];
    asB: Row[];
  }
  const parts = new Map<string, P>();
  const get = (conference: string, channel: string, line: number): P => {
    const key = `${conference}\u0000${channel}`;
    let p = parts.get(key);
    if (!p) {
      p = { conference, channel, line, asA: [], asB: [] };
      parts.set(key, p);
    }
    p.line = Math.min(p.line, line);
    return p;
  };
  for (const r of rows) {
    const conference = instanceOf.get(r)!;
    get(conference, r.channel, r.line).asA.push(r);
    if (r.dstchannel) get(conference, r.dstchannel, r.line).asB.push(r);
  }
  for (const p of parts.values()) {
    const all = [...p.asA, ...p.asB];
    const answers = all.filter((r) => r.answer).map((r) => r.answer!.getTime());
    const answer = answers.length ? Math.min(...answers) : undefined;
    const start = p.asA.length
      ? Math.min(...p.asA.map((r) => r.start.getTime()))
      : (answer ?? Math.min(...all.map((r) => r.start.getTime())));
    const end = Math.max(...all.map((r) => r.end.getTime()));
    const first = p.asA[0] ?? p.asB[0]!;
    const readable = `conf:${p.conference}:${p.channel}`;
    const recordId = readable.length <= 128 ? readable : `conf:${sha256Hex(readable).slice(0, 40)}`;
    const asA = p.asA[0];
    const draft: CdrDraft = {
      bridgeId: opts.bridgeId,
      recordId,
      conferenceId: p.conference,
      customerAccount: asA ? accountOf(asA) : accountOf(first, true),
      accessType: accessTypeFor(first.dcontext, opts),
      callerNumber: asA
        ? numberField(callerOf(asA), 'caller_number', p.line, opts, result.warnings)
        : undefined,
      calledNumber: asA ? numberField(asA.dst, 'called_number', p.line, opts, result.warnings) : undefined,
      startTime: new Date(start),
      endTime: new Date(end),
      durationSeconds: answer !== undefined ? Math.max(0, Math.floor((end - answer) / 1000)) : 0,
      features: [],
    };
    if (answer !== undefined) draft.answerTime = new Date(answer);
    result.drafts.push({ line: p.line, draft });
  }
}

/** Types and helpers shared by the CDR file importers. Pure: no file system access. */
import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import type { AccessType } from '../domain/cdr';
import type { CdrDraft } from '../domain/cdr-validation';
import { CdrFileError } from './cdr-file-error';

/** One record read from a file, with the (1-based) line where it starts. */
export interface ImportedDraft {
  line: number;
  draft: CdrDraft;
}

/**
 * A row or document deliberately not imported, and why (never silent): a header line, an
 * unanswered leg, a B-leg, a row written twice. Nothing is wrong with the file.
 */
export interface SkippedRow {
  line: number;
  reason: string;
}

/**
 * A row or document that should have become a record but could not be read: broken CSV, a column
 * count that does not match the file's layout, an unreadable time, JSON that is not a CDR. Kept
 * apart from `skipped` because these are billable calls that are lost unless someone fixes them.
 */
export interface RejectedRow {
  line: number;
  reason: string;
}

/** Something an operator should look at that did not stop the row from being imported. */
export interface ImportWarning {
  line: number;
  message: string;
}

export interface ImportResult {
  drafts: ImportedDraft[];
  skipped: SkippedRow[];
  rejected: RejectedRow[];
  warnings: ImportWarning[];
}

/** Options every importer understands. */
export interface CommonImportOptions {
  /** Bridge id stamped on every record (`Cdr.bridgeId`). Required: files do not name the bridge. */
  bridgeId: string;
  /**
   * Customer account for records whose account field is empty. Default: none, so such records
   * reach validation without a customer_account and are rejected as "missing" (never guessed).
   */
  defaultCustomerAccount?: string;
  /**
   * Access type for records whose context is not in `accessTypeByContext`.
   * Default `'unknown'`: the record is rejected by validation ("unknown access type") rather than
   * priced at the wrong rate. Set it (e.g. `'local_dial_in'`) for a bridge that only has one kind.
   */
  defaultAccessType?: AccessType | 'unknown';
  /**
   * Map from dialplan context (Asterisk `dcontext`; FreeSWITCH original caller_profile `context`)
   * to access type, e.g. `{ 'from-tollfree': 'toll_free_dial_in', 'conf-out': 'dial_out' }`.
   * Exact, case-sensitive match. Default `{}`.
   */
  accessTypeByContext?: Record<string, AccessType>;
  /**
   * Keep legs that were never answered (Asterisk disposition other than ANSWERED or empty answer;
   * FreeSWITCH `answer_epoch` "0"). They are imported with no answer time and duration 0 and are
   * priced by rating (typically at zero). Default `false`: they are reported in `skipped` with
   * their disposition / hangup cause.
   */
  keepUnanswered?: boolean;
  /**
   * Country calling code (digits, e.g. `'46'`) used to turn national numbers (`trunkPrefix` + number,
   * e.g. `08123456` → `+468123456`) into E.164. Default: none, national numbers are not converted.
   */
  countryCode?: string;
  /** International dialling prefix turned into `+` (`0046…` → `+46…`). Default `'00'`. */
  internationalPrefix?: string;
  /** National trunk prefix removed before `countryCode` is prepended. Default `'0'`. */
  trunkPrefix?: string;
  /**
   * What to do with caller/called numbers that cannot be made E.164 (internal extensions like
   * `8001`, SIP user names like `dan`, withheld numbers):
   * - `'drop'` (default): the number is left out of the record (it is optional) and a warning is
   *   reported; the record is still imported.
   * - `'keep'`: passed through as is, so validation rejects the record.
   */
  nonE164Numbers?: 'drop' | 'keep';
}

export const DEFAULT_INTERNATIONAL_PREFIX = '00';
export const DEFAULT_TRUNK_PREFIX = '0';

const E164 = /^\+[1-9]\d{1,14}$/;

/**
 * Normalises a dialled or caller-id number to E.164 if it can: strips spaces, dashes, dots and
 * parentheses; `+…` kept; international prefix → `+`; trunk prefix + national number → `+cc…`
 * when `countryCode` is set. Returns undefined when the result is not E.164.
 */
export function toE164(raw: string | undefined, opts: CommonImportOptions): string | undefined {
  if (raw === undefined) return undefined;
  let s = raw.trim().replace(/[\s\-.()]/g, '');
  if (s === '') return undefined;
  const intl = opts.internationalPrefix ?? DEFAULT_INTERNATIONAL_PREFIX;
  const trunk = opts.trunkPrefix ?? DEFAULT_TRUNK_PREFIX;
  if (s.startsWith('+')) {
    // as is
  } else if (intl && s.startsWith(intl) && /^\d+$/.test(s)) {
    s = '+' + s.slice(intl.length);
  } else if (opts.countryCode && trunk && s.startsWith(trunk) && /^\d+$/.test(s)) {
    s = '+' + opts.countryCode + s.slice(trunk.length);
  }
  return E164.test(s) ? s : undefined;
}

/**
 * Applies `toE164` and the `nonE164Numbers` policy to one number field; pushes a warning when a
 * non-empty number is dropped.
 */
export function numberField(
  raw: string | undefined,
  field: 'caller_number' | 'called_number',
  line: number,
  opts: CommonImportOptions,
  warnings: ImportWarning[],
): string | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const e164 = toE164(raw, opts);
  if (e164 !== undefined) return e164;
  if ((opts.nonE164Numbers ?? 'drop') === 'keep') return raw;
  warnings.push({ line, message: `${field} '${raw}' is not an E.164 number; left out` });
  return undefined;
}

export function accessTypeFor(context: string | undefined, opts: CommonImportOptions): string {
  if (context !== undefined && opts.accessTypeByContext && Object.hasOwn(opts.accessTypeByContext, context)) {
    return opts.accessTypeByContext[context]!;
  }
  return opts.defaultAccessType ?? 'unknown';
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** How to resolve a local time that occurs twice (the hour when DST ends). */
export type AmbiguousTimePolicy = 'earlier' | 'later' | 'reject';

/**
 * Parses `YYYY-MM-DD HH:MM:SS` written without a zone, as local time in `zone` (IANA name or
 * `UTC`). Returns a Date or an error message (invalid text, a time that does not exist in the zone
 * because of a DST gap, or an ambiguous one under policy `reject`).
 */
export function parseNaiveLocal(
  text: string,
  zone: string,
  ambiguous: AmbiguousTimePolicy,
): { ok: true; date: Date } | { ok: false; error: string } {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) return { ok: false, error: `'${text}' is not a 'YYYY-MM-DD HH:MM:SS' time` };
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const dt = DateTime.fromObject({ year, month, day, hour, minute, second }, { zone });
  if (!dt.isValid)
    return {
      ok: false,
      error: `'${text}' is not a valid time in ${zone}: ${dt.invalidExplanation ?? dt.invalidReason}`,
    };
  if (dt.year !== year || dt.month !== month || dt.day !== day || dt.hour !== hour || dt.minute !== minute) {
    return { ok: false, error: `'${text}' does not exist in ${zone} (skipped by a daylight-saving change)` };
  }
  const offsets = dt.getPossibleOffsets();
  if (offsets.length > 1) {
    if (ambiguous === 'reject') {
      return {
        ok: false,
        error: `'${text}' is ambiguous in ${zone} (occurs twice when daylight-saving time ends)`,
      };
    }
    const sorted = [...offsets].sort((a, b) => a.toMillis() - b.toMillis());
    const pick = ambiguous === 'earlier' ? sorted[0]! : sorted[sorted.length - 1]!;
    return { ok: true, date: pick.toJSDate() };
  }
  return { ok: true, date: dt.toJSDate() };
}

/** Throws a clear error for an invalid IANA zone name (an option mistake: the whole file is refused). */
export function assertZone(zone: string): void {
  if (!DateTime.now().setZone(zone).isValid)
    throw new CdrFileError(
      `unknown time zone '${zone}' (expected an IANA name such as Europe/Stockholm, or UTC)`,
    );
}

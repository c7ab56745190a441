/**
 * Importer for FreeSWITCH JSON CDRs (`mod_json_cdr`, `mod_format_cdr` with format=json): one JSON
 * document per call leg. See docs/cdr-import.md and shared/cdr-samples/FORMATS.md §3.
 *
 * Input text: one document (pretty-printed or not), several documents one per line (NDJSON, e.g.
 * files concatenated with `cat`), or a JSON array of documents.
 */
import type { Feature } from '../domain/cdr';
import type { CdrDraft } from '../domain/cdr-validation';
import {
  accessTypeFor,
  assertZone,
  numberField,
  parseNaiveLocal,
  type AmbiguousTimePolicy,
  type CommonImportOptions,
  type ImportResult,
  type ImportWarning,
} from './common';
import { parseJsonWithDuplicates } from './json-dupkeys';

export interface FreeSwitchJsonOptions extends CommonImportOptions {
  /**
   * Which legs to import. FreeSWITCH logs both legs of a bridged call by default (`log-b-leg=true`).
   * - `'a-leg'` (default): skip B-legs, recognised by an `originator` or `originating_leg_uuid`
   *   variable or `last_bridge_role=originatee`. Outbound legs the bridge originated itself
   *   (conference dial-out) have none of these and are kept.
   * - `'all'`: import every leg (each has its own uuid, so both are billed).
   */
  legs?: 'a-leg' | 'all';
  /**
   * URL-decoding of `variables` values (`encode-values`, default true in mod_json_cdr, false in
   * mod_format_cdr; the document does not say which):
   * - `'auto'` (default): encoded when `start_stamp`/`answer_stamp`/`end_stamp` contain `%3A` or
   *   `%20`, not when they contain `:`; without stamps, not encoded if any value contains a raw
   *   character the encoder always escapes (space `:` `@` `+` `;` `=` ...), encoded if any contains `%XX`.
   * - `'always'` / `'never'`.
   * Decoding is plain percent-decoding as UTF-8 (`+` stays `+`; it is never form-decoding).
   */
  urlDecode?: 'auto' | 'always' | 'never';
  /**
   * Zone of the `*_stamp` variables (server local time, no offset). Only used when a leg has no
   * `*_uepoch`/`*_epoch` variables, which are UTC and always preferred. Default: none, such legs are rejected.
   */
  timeZone?: string;
  /** For `*_stamp` fallback times that occur twice at the end of DST. Default `'earlier'`. */
  ambiguousTime?: AmbiguousTimePolicy;
  /** Variables tried in order for the customer account. Default `['accountcode']`. */
  customerAccountVariables?: string[];
  /**
   * Variables tried in order for the conference id. Default
   * `['conference_uuid', 'conference_name', 'call_uuid']`: a leg outside any conference is billed
   * as a two-party call identified by its A-leg uuid.
   */
  conferenceIdVariables?: string[];
  /** Variable holding the booking id (set in the dialplan). Default: none. */
  bookingIdVariable?: string;
  /**
   * Variable whose value is an access type (e.g. set by the dialplan to `toll_free_dial_in`).
   * Default: none; the access type comes from `accessTypeByContext` on the caller profile's context.
   */
  accessTypeVariable?: string;
  /**
   * Which caller profile gives the destination and context. The callflow lists profiles newest
   * first; after a transfer or redirect they differ.
   * - `'original'` (default): the lowest `profile_index`, what the caller dialled (the access number).
   * - `'current'`: `callflow[0]`, where the call ended up.
   */
  callerProfile?: 'original' | 'current';
  /**
   * Variables tried in order for the called number before the profile's `destination_number`
   * (e.g. `['cgr_destination', 'sip_req_user']`). Default `[]`.
   */
  calledNumberVariables?: string[];
  /**
   * Caller number: `'caller_id_number'` (default, the chosen profile's caller_id_number: who really
   * called) or `'effective_caller_id_number'` (the variable: what the far end was shown; falls back
   * to the profile).
   */
  callerNumberFrom?: 'caller_id_number' | 'effective_caller_id_number';
  /**
   * Variables that mark a feature as used when set to a non-empty value other than `false`/`0`,
   * e.g. `{ record_seconds: 'recording' }`. Default `{}` (no features).
   */
  featureVariables?: Record<string, Feature>;
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const str = (x: unknown): string | undefined => (typeof x === 'string' && x !== '' ? x : undefined);

/** Percent-decodes `%XX` sequences as UTF-8 bytes; anything else (including `+`) is kept. */
export function percentDecode(s: string): string {
  if (!s.includes('%')) return s;
  const decoder = new TextDecoder('utf-8');
  return s.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    const bytes = new Uint8Array(run.length / 3);
    for (let k = 0; k < bytes.length; k++) bytes[k] = parseInt(run.slice(k * 3 + 1, k * 3 + 3), 16);
    return decoder.decode(bytes);
  });
}

/** Decides whether a leg's variables are URL-encoded (see `urlDecode: 'auto'`). */
export function looksUrlEncoded(vars: Obj): boolean {
  for (const k of ['start_stamp', 'answer_stamp', 'end_stamp']) {
    const v = str(vars[k]);
    if (v === undefined) continue;
    if (/%3A|%20/i.test(v)) return true;
    if (v.includes(':')) return false;
  }
  let sawEscape = false;
  for (const v of Object.values(vars)) {
    if (typeof v !== 'string') continue;
    if (/[ :@+;=<>?#&"[\]{}|\\^`]/.test(v)) return false;
    if (/%[0-9A-F]{2}/.test(v)) sawEscape = true;
  }
  return sawEscape;
}

function documents(
  text: string,
): Array<{ line: number; doc?: unknown; error?: string; callflows?: unknown[] }> {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const one = (t: string, line: number) => {
    const { value, duplicates } = parseJsonWithDuplicates(t);
    const withFlows = (doc: unknown) => {
      const dup = isObj(doc) ? duplicates.get(doc)?.get('callflow') : undefined;
      return { line, doc, callflows: dup };
    };
    return Array.isArray(value) ? value.map(withFlows) : [withFlows(value)];
  };
  try {
    return one(body, 1);
  } catch (wholeError) {
    // Not one document: try one document per line.
    const out: Array<{ line: number; doc?: unknown; error?: string; callflows?: unknown[] }> = [];
    const lines = body.split('\n');
    const firstLine = lines.findIndex((l) => l.trim() !== '');
    // NDJSON has a whole document on its first line; a pretty-printed document (or array) with a
    // mistake does not, and is one error at its line and column, not one per line of the file.
    let ndjson = lines.filter((l) => l.trim() !== '').length > 1;
    if (ndjson) {
      try {
        one(lines[firstLine]!.replace(/\r$/, ''), firstLine + 1);
      } catch {
        ndjson = false;
      }
    }
    if (!ndjson) return [wholeDocumentError(body, wholeError as Error)];
    lines.forEach((l, idx) => {
      if (l.trim() === '') return;
      try {
        out.push(...one(l.replace(/\r$/, ''), idx + 1));
      } catch (e) {
        out.push({ line: idx + 1, error: `not JSON: ${(e as Error).message}` });
      }
    });
    return out;
  }
}

/** A parse error of the whole text, at the line (and column) of its position. */
function wholeDocumentError(text: string, error: Error): { line: number; error: string } {
  const m = / at position (\d+)$/.exec(error.message);
  if (!m) return { line: 1, error: `not JSON: ${error.message}` };
  const position = Number(m[1]);
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - (before.lastIndexOf('\n') + 1) + 1;
  return {
    line,
    error: `not JSON: ${error.message.slice(0, m.index)} at line ${line}, column ${column} (nothing in the file is imported)`,
  };
}

function usFromVars(vars: Obj, name: string): number | undefined {
  const u = str(vars[`${name}_uepoch`]);
  if (u !== undefined && /^\d+$/.test(u)) return u === '0' ? 0 : Math.floor(Number(u) / 1000);
  const e = str(vars[`${name}_epoch`]);
  if (e !== undefined && /^\d+$/.test(e)) return Number(e) * 1000;
  return undefined;
}

/** Parses FreeSWITCH JSON CDR text into drafts. */
export function parseFreeSwitchJson(text: string, opts: FreeSwitchJsonOptions): ImportResult {
  if (opts.timeZone) assertZone(opts.timeZone);
  const result: ImportResult = { drafts: [], skipped: [], rejected: [], warnings: [] };
  // Legs read so far: the line and the record each became. The same leg written twice (files
  // concatenated, a backup copy) is harmless; the same uuid with other content is a call that one of
  // the two copies misstates, which the operator must hear about (as across imports: a conflict).
  const seen = new Map<string, { line: number; key: string }>();

  for (const { line, doc, error, callflows } of documents(text)) {
    if (error !== undefined) {
      result.rejected.push({ line, reason: error });
      continue;
    }
    if (!isObj(doc) || !isObj(doc.variables)) {
      result.rejected.push({ line, reason: 'not a FreeSWITCH CDR (no "variables" object)' });
      continue;
    }
    const rawVars = doc.variables;
    const decode =
      opts.urlDecode === 'always' ? true : opts.urlDecode === 'never' ? false : looksUrlEncoded(rawVars);
    const vars: Obj = {};
    for (const [k, v] of Object.entries(rawVars))
      vars[k] = typeof v === 'string' && decode ? percentDecode(v) : v;
    const v = (name: string) => str(vars[name]);

    // Caller profiles, newest first: an array (2015+), or duplicate top-level keys (older).
    const flows = (
      callflows ?? (Array.isArray(doc.callflow) ? doc.callflow : doc.callflow ? [doc.callflow] : [])
    ).filter(isObj);
    const byIndex = [...flows].sort((a, b) => Number(a.profile_index ?? 0) - Number(b.profile_index ?? 0));
    const profileEntry = (opts.callerProfile ?? 'original') === 'original' ? byIndex[0] : flows[0];
    const profile =
      profileEntry && isObj(profileEntry.caller_profile) ? profileEntry.caller_profile : undefined;

    const uuid = v('uuid') ?? str(profile?.uuid);
    if (!uuid) {
      result.rejected.push({ line, reason: 'no leg uuid (variables.uuid)' });
      continue;
    }
    const isBLeg = !!(v('originator') || v('originating_leg_uuid') || v('last_bridge_role') === 'originatee');
    if (isBLeg && (opts.legs ?? 'a-leg') === 'a-leg') {
      result.skipped.push({
        line,
        reason: `B-leg ${uuid} (originated by ${v('originator') ?? v('originating_leg_uuid') ?? 'the A-leg'}); legs is 'a-leg'`,
      });
      continue;
    }

    // Times: UTC epochs first, local *_stamp only as a fallback.
    const problems: string[] = [];
    const time = (name: string): number | undefined => {
      const fromEpoch = usFromVars(vars, name);
      if (fromEpoch !== undefined) return fromEpoch === 0 ? undefined : fromEpoch;
      const stamp = v(`${name}_stamp`);
      if (stamp === undefined) return undefined;
      if (!opts.timeZone) {
        problems.push(`${name}: only ${name}_stamp (local time) present and no timeZone given`);
        return undefined;
      }
      const r = parseNaiveLocal(stamp, opts.timeZone, opts.ambiguousTime ?? 'earlier');
      if (!r.ok) problems.push(`${name}_stamp: ${r.error}`);
      return r.ok ? r.date.getTime() : undefined;
    };
    const start = time('start');
    const answer = time('answer');
    const end = time('end');
    if (start === undefined) problems.push('no start time');
    if (end === undefined) problems.push('no end time');
    if (problems.length > 0 || start === undefined || end === undefined) {
      result.rejected.push({ line, reason: [...new Set(problems)].join('; ') });
      continue;
    }
    if (answer === undefined && !opts.keepUnanswered) {
      result.skipped.push({
        line,
        reason: `unanswered (${v('hangup_cause') ?? 'no hangup_cause'}); keepUnanswered is off`,
      });
      continue;
    }

    let duration = 0;
    if (answer !== undefined) {
      const billsec = v('billsec');
      if (billsec !== undefined && /^\d+$/.test(billsec)) duration = Number(billsec);
      else {
        const ae = Number(v('answer_epoch')),
          ee = Number(v('end_epoch'));
        duration =
          Number.isFinite(ae) && Number.isFinite(ee) && ae > 0 ? ee - ae : Math.floor((end - answer) / 1000);
      }
    }

    const first = (names: string[]) => names.map(v).find((x) => x !== undefined);
    const callerRaw =
      opts.callerNumberFrom === 'effective_caller_id_number'
        ? (v('effective_caller_id_number') ?? str(profile?.caller_id_number))
        : (str(profile?.caller_id_number) ?? v('caller_id_number'));
    const calledRaw =
      first(opts.calledNumberVariables ?? []) ?? str(profile?.destination_number) ?? v('destination_number');

    const features = new Set<Feature>();
    for (const [name, feature] of Object.entries(opts.featureVariables ?? {})) {
      const val = v(name);
      if (val !== undefined && val !== 'false' && val !== '0') features.add(feature);
    }

    const warnings: ImportWarning[] = [];
    const accessFromVar = opts.accessTypeVariable ? v(opts.accessTypeVariable) : undefined;
    const draft: CdrDraft = {
      bridgeId: opts.bridgeId,
      recordId: uuid,
      conferenceId:
        first(opts.conferenceIdVariables ?? ['conference_uuid', 'conference_name', 'call_uuid']) ?? uuid,
      customerAccount: first(opts.customerAccountVariables ?? ['accountcode']) ?? opts.defaultCustomerAccount,
      accessType: accessFromVar ?? accessTypeFor(str(profile?.context) ?? v('user_context'), opts),
      callerNumber: numberField(callerRaw, 'caller_number', line, opts, warnings),
      calledNumber: numberField(calledRaw, 'called_number', line, opts, warnings),
      startTime: new Date(start),
      endTime: new Date(end),
      durationSeconds: duration,
      features: [...features],
    };
    if (answer !== undefined) draft.answerTime = new Date(answer);
    if (opts.bookingIdVariable && v(opts.bookingIdVariable)) draft.bookingId = v(opts.bookingIdVariable);
    const key = JSON.stringify(draft);
    const prev = seen.get(uuid);
    if (prev !== undefined) {
      if (prev.key === key)
        result.skipped.push({ line, reason: `leg ${uuid} already read on line ${prev.line}` });
      else
        result.rejected.push({
          line,
          reason: `leg ${uuid} repeats line ${prev.line} with other content (only the first is imported)`,
        });
      continue;
    }
    seen.set(uuid, { line, key });
    result.warnings.push(...warnings);
    result.drafts.push({ line, draft });
  }
  return result;
}

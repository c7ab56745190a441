/**
 * Conference participants from ConfBridge rows. ConfBridge writes one row per PAIR of participants
 * (3 people -> 3 rows), so rows are not participant legs: each channel seen in a conference instance
 * (as Party A or B) becomes one record. Start = its earliest row start as Party A (else its earliest
 * pair answer), answer = earliest pair answer, end = latest end, duration = end - answer (pair
 * billsecs cannot be summed). A participant seen only as Party B has no caller number.
 */
import type { CdrDraft } from '../domain/cdr-validation';
import {
  accessTypeFor,
  numberField,
  sha256Hex,
  type CommonImportOptions,
  type ImportedDraft,
  type ImportWarning,
} from './common';
import { accountOf, callerOf, type PartyOptions } from './asterisk-parties';
import type { AsteriskRow } from './asterisk-row';

interface Participant {
  conference: string;
  channel: string;
  line: number;
  asA: AsteriskRow[];
  asB: AsteriskRow[];
}

/** The channels of each conference instance, with the rows they appear in as Party A and as Party B. */
function participantsOf(rows: AsteriskRow[], instanceOf: Map<AsteriskRow, string>): Participant[] {
  const parts = new Map<string, Participant>();
  const get = (conference: string, channel: string, line: number): Participant => {
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
  return [...parts.values()];
}

/**
 * One draft per participant of the conference rows `rows` (each in `instanceOf`); warnings about
 * their numbers go to `warnings`.
 */
export function participantDrafts(
  rows: AsteriskRow[],
  instanceOf: Map<AsteriskRow, string>,
  opts: CommonImportOptions & PartyOptions,
  warnings: ImportWarning[],
): ImportedDraft[] {
  return participantsOf(rows, instanceOf).map((p) => {
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
      customerAccount: asA ? accountOf(asA, opts) : accountOf(first, opts, true),
      accessType: accessTypeFor(first.dcontext, opts),
      callerNumber: asA
        ? numberField(callerOf(asA, opts), 'caller_number', p.line, opts, warnings)
        : undefined,
      calledNumber: asA ? numberField(asA.dst, 'called_number', p.line, opts, warnings) : undefined,
      startTime: new Date(start),
      endTime: new Date(end),
      durationSeconds: answer !== undefined ? Math.max(0, Math.floor((end - answer) / 1000)) : 0,
      features: [],
    };
    if (answer !== undefined) draft.answerTime = new Date(answer);
    return { line: p.line, draft };
  });
}

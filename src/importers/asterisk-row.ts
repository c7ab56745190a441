/**
 * One data row of a Master.csv, read by name from the file's column layout (asterisk-layout.ts):
 * the fields the importer uses, with `start`/`answer`/`end` turned into instants in the zone the
 * file was written in, or the reasons the row cannot be read.
 */
import { parseNaiveLocal, type AmbiguousTimePolicy } from './common';
import type { AsteriskLayout } from './asterisk-layout';

export interface AsteriskRow {
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

/** A row of a CEL file (event name, then an epoch timestamp), which is not a CDR. */
export function isCelEventRow(fields: string[]): boolean {
  return CEL_EVENTS.test(fields[0] ?? '') && /^\d+(\.\d+)?$/.test(fields[1] ?? '');
}

/**
 * The row of `fields` (which has the layout's column count), or why it cannot be read: an empty or
 * invalid time, a billsec that is not a whole number.
 */
export function readRow(
  line: number,
  fields: string[],
  layout: AsteriskLayout,
  zone: string,
  ambiguous: AmbiguousTimePolicy,
): { row: AsteriskRow } | { problems: string[] } {
  const f = fields;
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
  // The optional columns follow the 16 base ones in cdr_csv's order: uniqueid, userfield, newcdrcolumns.
  const optional = f.slice(16);
  const uniqueid = layout.uniqueid ? optional.shift() : undefined;
  const userfield = layout.userfield ? optional.shift() : undefined;
  const [peeraccount, linkedid, sequence] = layout.newcols ? optional : [];

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
  if (problems.length > 0 || !start || !end) return { problems };

  return {
    row: {
      line,
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
    },
  };
}

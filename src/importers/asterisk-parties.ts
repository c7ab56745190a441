/**
 * Who a Master.csv row bills and who called: the customer account (from the column the options
 * name) and the caller number (from `src` or the number inside `clid`).
 */
import type { AsteriskRow } from './asterisk-row';

export interface PartyOptions {
  customerAccountFrom?: 'accountcode' | 'userfield' | 'peeraccount';
  callerNumberColumn?: 'src' | 'clid';
  defaultCustomerAccount?: string;
}

/** The number inside a Caller ID like `"Alice" <100>`, or the whole value when it has no brackets. */
export function clidNumber(clid: string): string | undefined {
  const m = /<([^<>]*)>\s*$/.exec(clid);
  const n = (m ? m[1]! : clid).trim();
  return n === '' ? undefined : n;
}

/**
 * The customer account of a row. Party A rows use the chosen column; a participant seen only as
 * Party B takes peeraccount, else A's. Empty -> `defaultCustomerAccount`.
 */
export function accountOf(r: AsteriskRow, opts: PartyOptions, asPartyB = false): string | undefined {
  const from = opts.customerAccountFrom ?? 'accountcode';
  let v: string | undefined;
  if (from === 'userfield') v = r.userfield;
  else if (from === 'peeraccount') v = r.peeraccount;
  else v = asPartyB ? r.peeraccount || r.accountcode : r.accountcode;
  v = v?.trim();
  return v ? v : opts.defaultCustomerAccount;
}

/** The caller number of a row: the chosen column, falling back to the other one when it is empty. */
export function callerOf(r: AsteriskRow, opts: PartyOptions): string | undefined {
  const fromClid = clidNumber(r.clid);
  const order = (opts.callerNumberColumn ?? 'src') === 'src' ? [r.src, fromClid] : [fromClid, r.src];
  return order.find((x) => x !== undefined && x.trim() !== '');
}

/**
 * The command-line flag of every importer option. Typed as a record over `keyof CdrImportOptions`
 * so that an option added to an importer does not compile until it has a flag: options that exist
 * only in code left 17- and 20-column Asterisk files impossible to import from the command line.
 *
 * Flags are the option names in kebab case (`logUniqueId` → `--log-unique-id`), which is also the
 * name commander gives back. Maps and lists use one syntax, in the docs and on the command line:
 * `key=value,key=value` and `a,b,c`. No commander here: the CLI turns these into commander options.
 */
import { ACCESS_TYPES, FEATURES } from '../domain/cdr';
import type { CdrImportOptions } from './parse-cdr-file';

export interface OptionFlag {
  /** Placeholder of the value, e.g. `<zone>`; none for a boolean flag. */
  arg?: string;
  description: string;
  choices?: readonly string[];
  /** Turns the text into the option's value; throws an Error whose message says what is wrong. */
  parse?: (raw: string) => unknown;
  /** Also a `--no-…` form: for cdr.conf settings "no" differs from "not said" (then the file decides). */
  negatable?: boolean;
  required?: boolean;
}

/** `logUniqueId` → `log-unique-id`, `nonE164Numbers` → `non-e164-numbers`. */
export function flagName(option: string): string {
  return option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** `a,b , c` → `['a','b','c']`; empty entries are a mistake, not something to ignore. */
export function parseList(raw: string): string[] {
  const items = raw.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new Error(`'${raw}' has an empty entry; expected a,b,c`);
  return items;
}

/** `k=v,k=v` → `{k: v}`, every value one of `allowed`. */
export function parseMap(raw: string, allowed: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of parseList(raw)) {
    const eq = pair.indexOf('=');
    const key = eq === -1 ? '' : pair.slice(0, eq).trim();
    const value = eq === -1 ? '' : pair.slice(eq + 1).trim();
    if (key === '' || value === '') throw new Error(`'${pair}' is not key=value`);
    if (!allowed.includes(value)) throw new Error(`'${value}' is not one of ${allowed.join(', ')}`);
    if (Object.hasOwn(out, key)) throw new Error(`'${key}' is given twice`);
    out[key] = value;
  }
  return out;
}

function digits(raw: string): string {
  if (!/^\d{1,4}$/.test(raw)) throw new Error(`'${raw}' is not 1 to 4 digits`);
  return raw;
}

export const IMPORT_OPTION_FLAGS: Record<keyof CdrImportOptions, OptionFlag> = {
  // Every format
  bridgeId: {
    arg: '<id>',
    required: true,
    description: 'bridge id stamped on every record (files do not name the bridge)',
  },
  defaultCustomerAccount: {
    arg: '<account>',
    description: 'customer account for records whose account is empty (default: none, they are rejected)',
  },
  defaultAccessType: {
    arg: '<type>',
    choices: [...ACCESS_TYPES, 'unknown'],
    description: 'access type when the context is not mapped (default: unknown, which validation rejects)',
  },
  accessTypeByContext: {
    arg: '<map>',
    parse: (raw) => parseMap(raw, ACCESS_TYPES),
    description: 'dialplan context to access type, e.g. from-tollfree=toll_free_dial_in,conf-out=dial_out',
  },
  keepUnanswered: { description: 'import unanswered legs too, with duration 0 (default: skipped)' },
  countryCode: {
    arg: '<digits>',
    parse: digits,
    description: 'country calling code for national numbers, e.g. 46 (default: none)',
  },
  internationalPrefix: {
    arg: '<digits>',
    parse: digits,
    description: 'international prefix turned into + (default: 00)',
  },
  trunkPrefix: {
    arg: '<digits>',
    parse: digits,
    description: 'trunk prefix removed before the country code (default: 0)',
  },
  nonE164Numbers: {
    arg: '<policy>',
    choices: ['drop', 'keep'],
    description:
      'numbers that cannot be made E.164: drop with a warning, or keep so validation rejects (default: drop)',
  },
  timeZone: {
    arg: '<zone>',
    description: 'IANA zone (or UTC) of naive times: required for Asterisk; FreeSWITCH *_stamp fallback',
  },
  ambiguousTime: {
    arg: '<policy>',
    choices: ['earlier', 'later', 'reject'],
    description: 'a local time that occurs twice at the end of DST (default: earlier)',
  },
  // Asterisk Master.csv
  logUniqueId: {
    negatable: true,
    description:
      'Asterisk: cdr.conf loguniqueid=yes; any of these three fixes the layout, the others count as no',
  },
  logUserField: { negatable: true, description: 'Asterisk: cdr.conf loguserfield=yes' },
  newCdrColumns: { negatable: true, description: 'Asterisk: cdr.conf newcdrcolumns=yes' },
  recordId: {
    arg: '<mode>',
    choices: ['auto', 'uniqueid-sequence', 'uniqueid', 'row-hash'],
    description: 'Asterisk: how record ids are built (default: auto)',
  },
  customerAccountFrom: {
    arg: '<column>',
    choices: ['accountcode', 'userfield', 'peeraccount'],
    description: 'Asterisk: column with the customer account (default: accountcode)',
  },
  callerNumberColumn: {
    arg: '<column>',
    choices: ['src', 'clid'],
    description: 'Asterisk: caller number column (default: src, then clid)',
  },
  conferenceRows: {
    arg: '<mode>',
    choices: ['participants', 'pairs', 'skip'],
    description: 'Asterisk: ConfBridge pair rows (default: participants)',
  },
  conferenceApps: {
    arg: '<apps>',
    parse: parseList,
    description: 'Asterisk: lastapp values of conference rows, e.g. ConfBridge,MeetMe (default: ConfBridge)',
  },
  // FreeSWITCH JSON
  legs: {
    arg: '<legs>',
    choices: ['a-leg', 'all'],
    description: 'FreeSWITCH: which legs to import (default: a-leg)',
  },
  urlDecode: {
    arg: '<mode>',
    choices: ['auto', 'always', 'never'],
    description: 'FreeSWITCH: URL-decoding of variables (default: auto)',
  },
  customerAccountVariables: {
    arg: '<vars>',
    parse: parseList,
    description: 'FreeSWITCH: variables tried for the customer account (default: accountcode)',
  },
  conferenceIdVariables: {
    arg: '<vars>',
    parse: parseList,
    description:
      'FreeSWITCH: variables tried for the conference id (default: conference_uuid,conference_name,call_uuid)',
  },
  bookingIdVariable: {
    arg: '<var>',
    description: 'FreeSWITCH: variable holding the booking id (default: none)',
  },
  accessTypeVariable: {
    arg: '<var>',
    description: 'FreeSWITCH: variable holding an access type (default: none)',
  },
  callerProfile: {
    arg: '<profile>',
    choices: ['original', 'current'],
    description: 'FreeSWITCH: caller profile for destination and context (default: original)',
  },
  calledNumberVariables: {
    arg: '<vars>',
    parse: parseList,
    description: "FreeSWITCH: variables tried for the called number before the profile's (default: none)",
  },
  callerNumberFrom: {
    arg: '<source>',
    choices: ['caller_id_number', 'effective_caller_id_number'],
    description: 'FreeSWITCH: caller number source (default: caller_id_number)',
  },
  featureVariables: {
    arg: '<map>',
    parse: (raw) => parseMap(raw, FEATURES),
    description: 'FreeSWITCH: variable to feature, e.g. record_seconds=recording (default: none)',
  },
};

/** Steps 1-2 of the defined order (see compiled-rule-set.ts) for one call: its facts, zone and contract terms. */
import { type Decimal, isDecimalText, parseAmount } from '../money';
import type { Cdr } from '../cdr';
import { ACCESS_TYPES } from '../cdr';
import { bandUntil, TimeZoneOffsets, type CompiledCalendar } from './calendar';
import type { Facts } from './facts';
import { parseScaled, type Scaled } from './integer-money';
import type { PrefixTable } from './prefixes';
import type { PricingContext } from './types';

const DAY_MS = 86_400_000;

/** Where bandUntil writes the band's end, which preparing does not need. */
const UNTIL = { ms: 0 };

/** What the rules see of one call, and what pricing needs besides the fired rules. */
export interface PreparedCall {
  facts: Facts;
  tz: TimeZoneOffsets;
  windowStartMs: number;
  zone?: string;
  matchedPrefix?: string;
  special?: { ratePerMinute: Decimal; text: string; zone?: string; scaled: Scaled } | undefined;
  contractDiscount?: { percent: Decimal; text: string; scaled: Scaled } | undefined;
}

/** A contract term's amount, parsed once per distinct text (contracts repeat on every call). */
interface Term {
  value: Decimal;
  scaled: Scaled;
}
const TERMS = new Map<string, Term>();
const MAX_TERMS = 10_000;

/** The parsed amount, or undefined when the text is not a decimal amount. */
function termOf(text: string): Term | undefined {
  let t = TERMS.get(text);
  if (t === undefined) {
    if (!isDecimalText(text)) return undefined;
    if (TERMS.size >= MAX_TERMS) TERMS.clear();
    TERMS.set(text, (t = { value: parseAmount(text), scaled: parseScaled(String(text)) }));
  }
  return t;
}

/** What of a compiled rule set preparing a call reads. */
export interface PreparingSet {
  readonly defaultTimeZone: string;
  readonly zoneBy: Partial<Record<string, 'calledNumber' | 'callerNumber'>>;
  readonly prefixes: PrefixTable;
  readonly calendar: CompiledCalendar;
}

/** Facts and context for one call; a string is the reason the call cannot be rated. */
export function prepareCall(set: PreparingSet, cdr: Cdr, ctx: PricingContext): PreparedCall | string {
  const startMs = cdr.startTime instanceof Date ? cdr.startTime.getTime() : NaN;
  if (!Number.isFinite(startMs)) return 'invalid start time';
  const d = cdr.durationSeconds;
  if (!Number.isInteger(d) || d < 0)
    return `invalid duration ${String(d)}: must be a whole number of seconds >= 0`;
  if (!(ACCESS_TYPES as readonly string[]).includes(cdr.accessType))
    return `unknown access type ${String(cdr.accessType)}`;
  const tzName = ctx.timeZone || set.defaultTimeZone;
  const tz = TimeZoneOffsets.get(tzName);
  if (!tz) return `unknown time zone ${tzName}`;

  let zone: string | undefined;
  let matchedPrefix: string | undefined;
  const by = set.zoneBy[cdr.accessType];
  if (by) {
    // a named read, not cdr[by]: a keyed read with a changing key is a slow, generic lookup
    const hit = set.prefixes.lookup(by === 'calledNumber' ? cdr.calledNumber : cdr.callerNumber);
    if (hit) {
      zone = hit.zone;
      matchedPrefix = hit.prefix;
    }
  }
  const off = tz.offsetMs(startMs);
  const local = startMs + off;
  const dayNum = Math.floor(local / DAY_MS);
  const startHour = Math.floor((local - dayNum * DAY_MS) / 3_600_000);
  const contract = ctx.contract;
  const facts: Facts = {
    accessType: cdr.accessType,
    zone: zone ?? '',
    matchedPrefix: matchedPrefix ?? '',
    customerAccount: ctx.customerAccount || cdr.customerAccount,
    contractId: contract?.id ?? '',
    pricePlan: contract?.pricePlan ?? '',
    features: cdr.features ?? [],
    durationSeconds: d,
    startHour,
    startWeekday: ((((dayNum + 3) % 7) + 7) % 7) + 1,
    startBand: bandUntil(set.calendar, local, UNTIL),
    calledNumber: cdr.calledNumber ?? '',
    callerNumber: cdr.callerNumber ?? '',
    conferenceId: cdr.conferenceId,
    bridgeId: cdr.bridgeId,
    hasBooking: cdr.bookingId !== undefined && cdr.bookingId !== '',
  };
  // every field in one literal, so that every prepared call has the same shape (pricing reads them)
  const prep: PreparedCall = {
    facts,
    tz,
    windowStartMs: startMs,
    zone,
    matchedPrefix,
    special: undefined,
    contractDiscount: undefined,
  };
  const endMs = cdr.endTime instanceof Date ? cdr.endTime.getTime() : NaN;
  const ans = cdr.answerTime instanceof Date ? cdr.answerTime.getTime() : NaN;
  if (Number.isFinite(ans)) prep.windowStartMs = ans;
  else if (Number.isFinite(endMs)) prep.windowStartMs = endMs - d * 1000;
  if (contract) {
    let best: { ratePerMinute: string; zone?: string } | undefined;
    for (const sp of contract.specialPrices ?? []) {
      if (sp.accessType !== cdr.accessType) continue;
      if (sp.zone === undefined || sp.zone === '') best ??= sp;
      else if (sp.zone === zone) {
        best = sp;
        break;
      }
    }
    const discount = contract.discountPercent !== '' ? contract.discountPercent : undefined;
    // Contract terms are checked when stored; one that is not a decimal still fails only this call.
    const rate = best !== undefined ? termOf(best.ratePerMinute) : undefined;
    if (best !== undefined && rate === undefined) return notDecimal(contract.id, best.ratePerMinute);
    const pct = discount !== undefined ? termOf(discount) : undefined;
    if (discount !== undefined && pct === undefined) return notDecimal(contract.id, discount);
    if (best && rate)
      prep.special = {
        ratePerMinute: rate.value,
        text: best.ratePerMinute,
        zone: best.zone,
        scaled: rate.scaled,
      };
    if (discount !== undefined && pct)
      prep.contractDiscount = { percent: pct.value, text: discount, scaled: pct.scaled };
  }
  return prep;
}

function notDecimal(contractId: string, text: unknown): string {
  return `contract ${contractId}: not a decimal amount: ${JSON.stringify(text)}`;
}

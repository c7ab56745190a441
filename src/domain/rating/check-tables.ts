/**
 * Semantic checks of a rule set's tables: the envelope of ruleset.json, destinations, calendar and
 * rate cards. Each reports through `err`; what later checks need of them is returned.
 */
import { IANAZone, DateTime } from 'luxon';
import { isDecimalText, parseAmount } from '../money';
import { ACCESS_TYPES } from '../cdr';
import { dayNumberOfDate, parseHhMm } from './calendar';
import { closest } from './facts';
import { normalizeNumber } from './prefixes';
import { RATE_KEY_FALLBACK } from './rate-card';
import { ROUNDING_MODES } from './rounding';
import { BANDS, type Band, type RateKey, type RuleSetSource } from './types';

export type Report = (file: string, jsonPath: string, reason: string) => void;
/** Checks a decimal text (non-negative, at most `max`); false when it is not one. */
export type DecimalCheck = (
  file: string,
  path: string,
  text: unknown,
  what: string,
  opts?: { max?: string },
) => boolean;

export function checkEnvelope(src: RuleSetSource, err: Report): void {
  const F = src.files;
  const r = src.ruleset;
  if (
    typeof r.effectiveFrom !== 'string' ||
    !DateTime.fromISO(r.effectiveFrom, { setZone: true }).isValid ||
    !/(Z|[+-]\d{2}:?\d{2})$/.test(r.effectiveFrom)
  ) {
    err(
      F.ruleset,
      '$.effectiveFrom',
      `not an ISO 8601 time with an offset: ${JSON.stringify(r.effectiveFrom)} (e.g. "2025-01-01T00:00:00+01:00")`,
    );
  }
  if (!IANAZone.isValidZone(r.defaultTimeZone))
    err(F.ruleset, '$.defaultTimeZone', `unknown IANA time zone ${JSON.stringify(r.defaultTimeZone)}`);
  if (!r.rounding || !(r.rounding.method in ROUNDING_MODES))
    err(
      F.ruleset,
      '$.rounding.method',
      `unknown rounding method; use one of ${Object.keys(ROUNDING_MODES).join(', ')}`,
    );
  if (
    !r.rounding ||
    !Number.isInteger(r.rounding.decimals) ||
    r.rounding.decimals < 0 ||
    r.rounding.decimals > 10
  )
    err(F.ruleset, '$.rounding.decimals', 'must be a whole number 0..10');
  for (const [at, name] of Object.entries(r.accessTypeNames ?? {})) {
    const p = `$.accessTypeNames.${at}`;
    if (!(ACCESS_TYPES as readonly string[]).includes(at))
      err(
        F.ruleset,
        p,
        `unknown access type ${JSON.stringify(at)}${near(at, ACCESS_TYPES)}; use one of ${ACCESS_TYPES.join(', ')}`,
      );
    else checkDisplayName(F.ruleset, p, name, err);
  }
  for (const [at, by] of Object.entries(r.zoneBy ?? {})) {
    if (!(ACCESS_TYPES as readonly string[]).includes(at))
      err(F.ruleset, `$.zoneBy.${at}`, `unknown access type ${at}`);
    if (by !== 'calledNumber' && by !== 'callerNumber')
      err(F.ruleset, `$.zoneBy.${at}`, 'must be "calledNumber" or "callerNumber"');
  }
}

/** The zones of destinations.json, and the first prefix of each (where a missing rate is reported). */
export function checkDestinations(
  src: RuleSetSource,
  err: Report,
): { zones: Set<string>; firstPrefixOfZone: Map<string, string> } {
  const F = src.files;
  const zones = new Set<string>();
  const firstPrefixOfZone = new Map<string, string>();
  const seen = new Map<string, string>();
  for (const [prefix, zone] of Object.entries(src.destinations.prefixes ?? {})) {
    const p = `$.prefixes[${JSON.stringify(prefix)}]`;
    if (!/^\+\d{1,15}$/.test(prefix)) err(F.destinations, p, 'a prefix is "+" and 1-15 digits, e.g. "+4670"');
    if (typeof zone !== 'string' || !/^[A-Za-z0-9_-]+$/.test(zone))
      err(F.destinations, p, `bad zone name ${JSON.stringify(zone)}`);
    const n = normalizeNumber(prefix);
    if (seen.has(n)) err(F.destinations, p, `same prefix as ${seen.get(n)}`);
    seen.set(n, prefix);
    zones.add(zone);
    if (!firstPrefixOfZone.has(zone)) firstPrefixOfZone.set(zone, prefix);
  }
  for (const [zone, about] of Object.entries(src.destinations.zones ?? {})) {
    const p = `$.zones[${JSON.stringify(zone)}]`;
    if (!zones.has(zone))
      err(
        F.destinations,
        p,
        `unknown zone ${JSON.stringify(zone)}: no prefix in "prefixes" maps to it${near(zone, zones)}`,
      );
    else
      checkDisplayName(
        F.destinations,
        `${p}.displayName`,
        (about as { displayName?: unknown })?.displayName,
        err,
      );
  }
  return { zones, firstPrefixOfZone };
}

/** A display name is one line of text, not blank (invoices print it). */
function checkDisplayName(file: string, jsonPath: string, name: unknown, err: Report): void {
  if (name === undefined) return;
  if (typeof name !== 'string' || name.trim() === '' || name !== name.trim() || /[\n\r\t]/.test(name))
    err(file, jsonPath, 'a display name is one line of text, not blank, without leading or trailing spaces');
}

/** " (did you mean "X"?)" for a near-miss of a known name, else "". */
function near(name: string, known: Iterable<string>): string {
  const hint = closest(name, [...known]);
  return hint ? ` (did you mean "${hint}"?)` : '';
}

/** The bands the calendar has times for. */
export function checkCalendar(src: RuleSetSource, err: Report): Band[] {
  const F = src.files;
  const cal = src.calendar;
  cal.weekendDays?.forEach((d, i) => {
    if (!Number.isInteger(d) || d < 1 || d > 7)
      err(F.calendar, `$.weekendDays[${i}]`, 'an ISO weekday 1 (Monday) .. 7 (Sunday)');
  });
  cal.peak?.forEach((w, i) => {
    w.days.forEach((d, j) => {
      if (!Number.isInteger(d) || d < 1 || d > 7)
        err(F.calendar, `$.peak[${i}].days[${j}]`, 'an ISO weekday 1 (Monday) .. 7 (Sunday)');
    });
    const from = parseHhMm(w.from);
    const to = parseHhMm(w.to);
    if (Number.isNaN(from) || from >= 1440)
      err(F.calendar, `$.peak[${i}].from`, `not a time "HH:MM": ${JSON.stringify(w.from)}`);
    if (Number.isNaN(to))
      err(F.calendar, `$.peak[${i}].to`, `not a time "HH:MM" (24:00 allowed): ${JSON.stringify(w.to)}`);
    else if (!Number.isNaN(from) && to <= from)
      err(F.calendar, `$.peak[${i}].to`, `ends (${w.to}) before it starts (${w.from})`);
  });
  cal.holidays?.forEach((h, i) => {
    if (Number.isNaN(dayNumberOfDate(h)))
      err(F.calendar, `$.holidays[${i}]`, `not a date YYYY-MM-DD: ${JSON.stringify(h)}`);
  });
  const bandsInUse: Band[] = ['offpeak'];
  if (cal.peak?.length) bandsInUse.push('peak');
  if (cal.weekendDays?.length) bandsInUse.push('weekend');
  if (cal.holidays?.length) bandsInUse.push('holiday');
  return bandsInUse;
}

export function decimalCheck(err: Report): DecimalCheck {
  return (file, path, text, what, opts = {}) => {
    if (typeof text !== 'string' || !isDecimalText(text))
      return (
        err(file, path, `${what} must be a decimal string like "0.25", got ${JSON.stringify(text)}`),
        false
      );
    const d = parseAmount(text);
    if (d.isNegative()) return (err(file, path, `${what} must not be negative`), false);
    if (opts.max && d.greaterThan(opts.max))
      return (err(file, path, `${what} must be at most ${opts.max}`), false);
    return true;
  };
}

export function checkRateCards(src: RuleSetSource, err: Report, dec: DecimalCheck, bandsInUse: Band[]): void {
  const F = src.files;
  const cards = src.rates.rateCards ?? {};
  for (const [name, c] of Object.entries(cards)) {
    const p = `$.rateCards.${name}`;
    for (const k of ['rateUnit', 'firstIncrement', 'nextIncrement'] as const) {
      if (!Number.isInteger(c[k]) || c[k] <= 0)
        err(F.rates, `${p}.${k}`, `${k} must be a whole number of seconds > 0`);
    }
    if (c.connectFee !== undefined) dec(F.rates, `${p}.connectFee`, c.connectFee, 'connectFee');
    const minOk =
      c.minimumCharge !== undefined && dec(F.rates, `${p}.minimumCharge`, c.minimumCharge, 'minimumCharge');
    const maxOk =
      c.maximumCharge !== undefined && dec(F.rates, `${p}.maximumCharge`, c.maximumCharge, 'maximumCharge');
    if (minOk && maxOk && parseAmount(c.minimumCharge!).greaterThan(parseAmount(c.maximumCharge!))) {
      err(
        F.rates,
        `${p}.maximumCharge`,
        `maximumCharge ${c.maximumCharge} is below minimumCharge ${c.minimumCharge}`,
      );
    }
    for (const [key, slots] of Object.entries(c.rates ?? {})) {
      if (![...BANDS, 'any'].includes(key)) {
        err(
          F.rates,
          `${p}.rates.${key}`,
          `unknown band ${JSON.stringify(key)}; use ${[...BANDS, 'any'].join(', ')}`,
        );
        continue;
      }
      if (!Array.isArray(slots) || slots.length === 0) {
        err(F.rates, `${p}.rates.${key}`, 'needs at least one {fromSecond, rate}');
        continue;
      }
      slots.forEach((s, i) => {
        dec(F.rates, `${p}.rates.${key}[${i}].rate`, s.rate, 'rate');
        if (!Number.isInteger(s.fromSecond) || s.fromSecond < 0)
          err(F.rates, `${p}.rates.${key}[${i}].fromSecond`, 'a whole number of seconds >= 0');
        else if (i === 0 && s.fromSecond !== 0)
          err(F.rates, `${p}.rates.${key}[0].fromSecond`, 'the first slot must start at second 0');
        else if (i > 0 && s.fromSecond <= slots[i - 1]!.fromSecond)
          err(F.rates, `${p}.rates.${key}[${i}].fromSecond`, 'slots must be in increasing fromSecond order');
      });
    }
    for (const b of bandsInUse) {
      if (!RATE_KEY_FALLBACK[b].some((k: RateKey) => c.rates?.[k] !== undefined)) {
        err(
          F.rates,
          `${p}.rates`,
          `missing rate: no ${b} rate (nor ${RATE_KEY_FALLBACK[b].slice(1).join(' or ')}) but the calendar has ${b} times`,
        );
      }
    }
  }
}

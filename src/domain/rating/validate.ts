/**
 * Semantic checks of a rule set (the JSON Schema in src/rules-files checks the shapes first).
 * Every problem names the file, the JSON path and the reason. Nothing here throws.
 */
import { IANAZone, DateTime } from 'luxon';
import { isDecimalText, parseAmount } from '../money.js';
import { ACCESS_TYPES } from '../cdr.js';
import {
  closest,
  EVENT_TYPES,
  FACT_NAMES,
  FACTS,
  OPERATORS,
  operatorValueKind,
  type FactName,
  type FactSpec,
  type OperatorName,
} from './facts.js';
import { compileCondition, type Predicate } from './compile.js';
import { dayNumberOfDate, parseHhMm } from './calendar.js';
import { normalizeNumber } from './prefixes.js';
import {
  BANDS,
  type Band,
  type ConditionJson,
  type RateKey,
  type RuleJson,
  type RuleSetSource,
  type RuleViolation,
} from './types.js';
import { RATE_KEY_FALLBACK, ROUNDING_MODES } from './ruleset.js';
import { validateTiers, type VolumeTier } from '../invoicing/tiers.js';

const MAX_ENUMERATION = 50_000;
const OTHER = '\u0000other';

export function validateRuleSet(src: RuleSetSource): RuleViolation[] {
  const v: RuleViolation[] = [];
  const F = src.files;
  const err = (file: string, jsonPath: string, reason: string) => v.push({ file, jsonPath, reason });
  const r = src.ruleset;
  // period pricing is independent of the rules: its problems are reported together with theirs, and do
  // not stop the rules' overlap analysis below
  const periodPricing = checkPeriodPricing(F.ruleset, (r as { periodPricing?: unknown }).periodPricing);

  // ---- envelope
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
  for (const [at, by] of Object.entries(r.zoneBy ?? {})) {
    if (!(ACCESS_TYPES as readonly string[]).includes(at))
      err(F.ruleset, `$.zoneBy.${at}`, `unknown access type ${at}`);
    if (by !== 'calledNumber' && by !== 'callerNumber')
      err(F.ruleset, `$.zoneBy.${at}`, 'must be "calledNumber" or "callerNumber"');
  }

  // ---- destinations
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

  // ---- calendar
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

  // ---- rate cards
  const cards = src.rates.rateCards ?? {};
  const dec = (file: string, path: string, text: unknown, what: string, opts: { max?: string } = {}) => {
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

  // ---- rules
  const rules = Array.isArray(r.rules) ? r.rules : [];
  const names = new Map<string, number>();
  const mentioned = new Map<FactName, unknown[]>();
  const ruleOk: boolean[] = [];
  rules.forEach((rule, i) => {
    const p = `$.rules[${i}]`;
    const before = v.length;
    if (typeof rule.name !== 'string' || rule.name === '')
      err(F.ruleset, `${p}.name`, 'every rule needs a name (charges record it)');
    else if (names.has(rule.name))
      err(
        F.ruleset,
        `${p}.name`,
        `duplicate rule name ${JSON.stringify(rule.name)} (also $.rules[${names.get(rule.name)}])`,
      );
    else names.set(rule.name, i);
    if (rule.priority !== undefined && (!Number.isInteger(rule.priority) || rule.priority < 1))
      err(F.ruleset, `${p}.priority`, 'priority is a whole number >= 1 (higher wins)');
    checkCondition(rule.conditions, `${p}.conditions`, true, { file: F.ruleset, err, zones, mentioned });
    checkEvent(rule, p, { file: F.ruleset, err, cards, dec });
    ruleOk.push(v.length === before);
  });
  if (v.length > 0) return [...v, ...periodPricing]; // the analysis below needs a well-formed set

  // ---- overlapping, unreachable and uncovered: enumerate the facts on small finite domains
  const compiled = rules.map((rule, i) => ({
    rule,
    i,
    pred: compileCondition(rule.conditions),
    facts: factsOf(rule.conditions),
    prio: rule.priority ?? 1,
    kind:
      rule.event.type === 'rate' || rule.event.type === 'reject'
        ? 'decision'
        : rule.event.type === 'surcharge'
          ? `surcharge:${rule.event.params.name}`
          : rule.event.type,
  }));
  const domains = buildDomains(mentioned, zones);
  const baseline = baselineFacts();
  const show = (a: Record<string, unknown>, facts: Iterable<string>) =>
    [...facts].map((f) => `${f}=${JSON.stringify(a[f] === OTHER ? '(any other)' : a[f])}`).join(', ');

  for (const c of compiled) {
    const p = `$.rules[${c.i}]`;
    const sat = findAssignment(c.facts, domains, baseline, (a) => c.pred(a));
    if (sat === null) {
      err(F.ruleset, `${p}.conditions`, 'unreachable: the conditions can never all hold');
      continue;
    }
    // same priority, same kind, both can fire -> overlap
    for (const o of compiled) {
      if (o.i >= c.i || o.prio !== c.prio || o.kind !== c.kind) continue;
      const both = findAssignment(union(c.facts, o.facts), domains, baseline, (a) => c.pred(a) && o.pred(a));
      if (both) {
        err(
          F.ruleset,
          `${p}`,
          `overlaps rule ${JSON.stringify(o.rule.name)} ($.rules[${o.i}]) at the same priority ${c.prio}: both fire for ${show(both, union(c.facts, o.facts))}; give one a higher priority or narrow its conditions`,
        );
      }
    }
    // always overridden by higher-priority rules of the same kind
    const higher = compiled.filter((o) => o.kind === c.kind && o.prio > c.prio);
    if (higher.length > 0) {
      const facts = higher.reduce((s, h) => union(s, h.facts), c.facts);
      const escape = findAssignment(
        facts,
        domains,
        baseline,
        (a) => c.pred(a) && !higher.some((h) => h.pred(a)),
      );
      if (escape === null) {
        const by = higher.filter((h) =>
          findAssignment(union(c.facts, h.facts), domains, baseline, (a) => c.pred(a) && h.pred(a)),
        );
        err(
          F.ruleset,
          `${p}`,
          `unreachable: always overridden by higher-priority rule(s) ${by.map((h) => JSON.stringify(h.rule.name)).join(', ')}`,
        );
      }
    }
  }

  // every zone (and every access type) has a rate or a reject for a customer without a contract
  const decisions = compiled.filter((c) => c.kind === 'decision');
  const zoneBy = r.zoneBy ?? { dial_out: 'calledNumber', toll_free_dial_in: 'callerNumber' };
  const timeFacts = [
    'startBand',
    'startHour',
    'startWeekday',
    'durationSeconds',
    'features',
    'hasBooking',
  ] as FactName[];
  const used = decisions.reduce((s, d) => union(s, d.facts), new Set<string>());
  const vary = timeFacts.filter((f) => used.has(f));
  for (const at of ACCESS_TYPES) {
    const zoneList = zoneBy[at] ? [...zones] : [''];
    for (const zone of zoneList) {
      const base = { ...baseline, accessType: at, zone };
      const gap = findAssignment(new Set(vary), domains, base, (a) => !decisions.some((d) => d.pred(a)));
      if (gap) {
        const when = vary.length ? ` (e.g. ${show(gap, vary)})` : '';
        if (zone)
          err(
            F.destinations,
            `$.prefixes[${JSON.stringify(firstPrefixOfZone.get(zone))}]`,
            `missing rate: zone ${zone} has no rate for ${at}: no rate or reject rule fires for a customer without contract${when}`,
          );
        else
          err(
            F.ruleset,
            '$.rules',
            `missing rate: no rate or reject rule fires for access type ${at}${when}`,
          );
      }
    }
  }
  return [...v, ...periodPricing];
}

// ---------------------------------------------------------------- period pricing

const TIER_MODELS = ['graduated', 'volume'] as const;

/** A property step of a JSON path, written as src/rules-files writes schema errors (so they can be matched). */
function prop(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

/**
 * The `periodPricing` section of ruleset.json (see PeriodPricingFileJson): every problem with its path.
 * Robust against any JSON (it also runs on files that broke the schema).
 */
export function checkPeriodPricing(file: string, section: unknown): RuleViolation[] {
  const v: RuleViolation[] = [];
  if (section === undefined) return v;
  const err = (jsonPath: string, reason: string) => void v.push({ file, jsonPath, reason });
  const root = '$.periodPricing';

  /** Unknown keys of an object; false when `o` is not an object at all. */
  const shape = (
    o: unknown,
    p: string,
    what: string,
    allowed: readonly string[],
  ): o is Record<string, unknown> => {
    if (!isObject(o)) return (err(p, `${what} must be an object, got ${JSON.stringify(o)}`), false);
    for (const k of Object.keys(o)) {
      if (allowed.includes(k)) continue;
      const hint = closest(k, allowed);
      err(
        `${p}${prop(k)}`,
        `unknown property ${JSON.stringify(k)}${hint ? ` (did you mean "${hint}"?)` : ''}; allowed: ${allowed.join(', ')}`,
      );
    }
    return true;
  };
  const dec = (
    p: string,
    x: unknown,
    what: string,
    opts: { required?: boolean; max?: string } = {},
  ): boolean => {
    if (x === undefined) return opts.required ? (err(p, `${what} is required`), false) : true;
    if (typeof x !== 'string' || !isDecimalText(x))
      return (err(p, `${what} must be a decimal string like "0.25", got ${JSON.stringify(x)}`), false);
    const d = parseAmount(x);
    if (d.isNegative()) return (err(p, `${what} must not be negative, got ${JSON.stringify(x)}`), false);
    if (opts.max !== undefined && d.greaterThan(opts.max))
      return (err(p, `${what} must be at most ${opts.max}, got ${JSON.stringify(x)}`), false);
    return true;
  };
  const text = (p: string, x: unknown, what: string) => {
    if (x !== undefined && typeof x !== 'string') err(p, `${what} must be text, got ${JSON.stringify(x)}`);
  };
  const accessTypes = (p: string, x: unknown) => {
    if (x === undefined) return;
    if (!Array.isArray(x) || x.length === 0) {
      return err(
        p,
        `accessTypes must be a non-empty list of ${ACCESS_TYPES.join(', ')} (leave it out for all access types), got ${JSON.stringify(x)}`,
      );
    }
    const seen = new Set<unknown>();
    x.forEach((a, i) => {
      if (!(ACCESS_TYPES as readonly unknown[]).includes(a)) {
        const hint = typeof a === 'string' ? closest(a, ACCESS_TYPES) : undefined;
        err(
          `${p}[${i}]`,
          `unknown access type ${JSON.stringify(a)}${hint ? ` (did you mean "${hint}"?)` : ''}; use ${ACCESS_TYPES.join(', ')}`,
        );
      } else if (seen.has(a)) err(`${p}[${i}]`, `access type ${JSON.stringify(a)} is listed twice`);
      seen.add(a);
    });
  };

  if (!shape(section, root, 'periodPricing', ['description', 'plans'])) return v;
  text(`${root}.description`, section.description, 'description');
  const plans = section.plans;
  if (plans === undefined)
    return (
      err(
        `${root}.plans`,
        'missing "plans": price plan -> its period pricing ("*" for every other customer)',
      ),
      v
    );
  if (!isObject(plans))
    return (
      err(
        `${root}.plans`,
        `plans must be an object of price plan -> period pricing, got ${JSON.stringify(plans)}`,
      ),
      v
    );
  if (Object.keys(plans).length === 0)
    err(`${root}.plans`, 'no plans: add a price plan (or "*" for every customer) or remove periodPricing');

  for (const [plan, rules] of Object.entries(plans)) {
    const pp = `${root}.plans${prop(plan)}`;
    if (!/^\S(.*\S)?$/.test(plan))
      err(
        pp,
        `bad plan name ${JSON.stringify(plan)}: a contract price plan, or "*", without leading or trailing spaces`,
      );
    if (
      !shape(rules, pp, `plan ${JSON.stringify(plan)}`, [
        'includedMinutes',
        'volumeTiers',
        'minimumCommitment',
      ])
    )
      continue;

    const im = rules.includedMinutes;
    if (
      im !== undefined &&
      shape(im, `${pp}.includedMinutes`, 'includedMinutes', ['minutes', 'accessTypes'])
    ) {
      dec(`${pp}.includedMinutes.minutes`, im.minutes, 'minutes', { required: true });
      accessTypes(`${pp}.includedMinutes.accessTypes`, im.accessTypes);
    }

    const vt = rules.volumeTiers;
    if (
      vt !== undefined &&
      shape(vt, `${pp}.volumeTiers`, 'volumeTiers', [
        'model',
        'tiers',
        'accessTypes',
        'description',
        'vatRate',
      ])
    ) {
      const tp = `${pp}.volumeTiers`;
      if (vt.model === undefined) err(`${tp}.model`, `model is required: ${TIER_MODELS.join(' or ')}`);
      else if (!(TIER_MODELS as readonly unknown[]).includes(vt.model)) {
        const hint = typeof vt.model === 'string' ? closest(vt.model, TIER_MODELS) : undefined;
        err(
          `${tp}.model`,
          `unknown tier model ${JSON.stringify(vt.model)}${hint ? ` (did you mean "${hint}"?)` : ''}; use ${TIER_MODELS.join(' or ')}`,
        );
      }
      accessTypes(`${tp}.accessTypes`, vt.accessTypes);
      text(`${tp}.description`, vt.description, 'description');
      dec(`${tp}.vatRate`, vt.vatRate, 'vatRate', { max: '100' });
      checkTiers(`${tp}.tiers`, vt.tiers, { err, shape, dec });
    }

    const mc = rules.minimumCommitment;
    if (
      mc !== undefined &&
      shape(mc, `${pp}.minimumCommitment`, 'minimumCommitment', ['amount', 'vatRate', 'description'])
    ) {
      dec(`${pp}.minimumCommitment.amount`, mc.amount, 'amount', { required: true });
      dec(`${pp}.minimumCommitment.vatRate`, mc.vatRate, 'vatRate', { max: '100' });
      text(`${pp}.minimumCommitment.description`, mc.description, 'description');
    }
  }
  return v;
}

function checkTiers(
  p: string,
  tiers: unknown,
  x: {
    err: (p: string, reason: string) => void;
    shape: (o: unknown, p: string, what: string, allowed: readonly string[]) => o is Record<string, unknown>;
    dec: (p: string, x: unknown, what: string, opts?: { required?: boolean }) => boolean;
  },
): void {
  if (tiers === undefined)
    return x.err(
      p,
      'tiers are required: a list of { "upTo", "unitPrice", "flatFee"? }, the last with "upTo": null',
    );
  if (!Array.isArray(tiers)) return x.err(p, `tiers must be a list, got ${JSON.stringify(tiers)}`);
  if (tiers.length === 0) return x.err(p, 'at least one tier is required (the last one with "upTo": null)');
  let wellFormed = true;
  tiers.forEach((t, i) => {
    const tp = `${p}[${i}]`;
    if (!x.shape(t, tp, 'a tier', ['upTo', 'unitPrice', 'flatFee'])) return void (wellFormed = false);
    if (!('upTo' in t))
      wellFormed =
        (x.err(
          `${tp}.upTo`,
          'upTo is required: the inclusive upper bound in minutes, null for the last tier',
        ),
        false);
    else if (t.upTo !== null && !x.dec(`${tp}.upTo`, t.upTo, 'upTo')) wellFormed = false;
    if (!x.dec(`${tp}.unitPrice`, t.unitPrice, 'unitPrice', { required: true })) wellFormed = false;
    if (!x.dec(`${tp}.flatFee`, t.flatFee, 'flatFee')) wellFormed = false;
  });
  if (!wellFormed) return;
  // the order and the open last tier: the invoicing domain's own check, its RangeError placed at its path
  const list = tiers as VolumeTier[];
  try {
    validateTiers(list);
  } catch (e) {
    const message = (e as Error).message;
    const nullAt = list.findIndex((t, i) => (i === list.length - 1) !== (t.upTo === null));
    const m = /^tier (\d+) (upTo|has a negative unit price|has a negative flat fee)/.exec(message);
    if (/upTo null/.test(message) && nullAt >= 0) {
      const last = nullAt === list.length - 1;
      x.err(
        `${p}[${nullAt}].upTo`,
        last
          ? `the last tier must have "upTo": null (no upper bound), got ${JSON.stringify(list[nullAt]!.upTo)}`
          : `only the last tier may have "upTo": null; tier ${nullAt} of ${list.length} has it`,
      );
    } else if (m) {
      const field = m[2] === 'upTo' ? 'upTo' : m[2] === 'has a negative unit price' ? 'unitPrice' : 'flatFee';
      x.err(
        `${p}[${m[1]}].${field}`,
        m[2] === 'upTo'
          ? `tiers must ascend: ${message} (the previous tier's upTo; upTo is inclusive)`
          : message,
      );
    } else x.err(p, message);
  }
}

interface Ctx {
  file: string;
  err: (file: string, path: string, reason: string) => void;
}

function checkCondition(
  c: ConditionJson,
  p: string,
  root: boolean,
  x: Ctx & { zones: Set<string>; mentioned: Map<FactName, unknown[]> },
): void {
  if (c === null || typeof c !== 'object' || Array.isArray(c))
    return x.err(x.file, p, 'a condition is an object');
  const o = c as Record<string, unknown>;
  const bool = ['all', 'any', 'not'].filter((k) => k in o);
  if (bool.length > 1)
    return x.err(x.file, p, `use one of all/any/not per object, not ${bool.join(' and ')}`);
  if ('condition' in o)
    return x.err(x.file, `${p}.condition`, 'condition references are not supported; write the condition out');
  if (bool.length === 1) {
    const k = bool[0]!;
    if (k === 'not') return checkCondition(o.not as ConditionJson, `${p}.not`, false, x);
    const list = o[k];
    if (!Array.isArray(list)) return x.err(x.file, `${p}.${k}`, `"${k}" must be a list of conditions`);
    if (list.length === 0)
      x.err(x.file, `${p}.${k}`, `an empty "${k}" is always true; remove it or add conditions`);
    list.forEach((s, i) => checkCondition(s as ConditionJson, `${p}.${k}[${i}]`, false, x));
    return;
  }
  if (root) return x.err(x.file, p, 'the conditions must start with "all", "any" or "not"');
  for (const k of Object.keys(o)) {
    if (!['fact', 'operator', 'value', 'priority', 'name'].includes(k))
      x.err(x.file, `${p}.${k}`, `"${k}" is not supported in a condition (only fact, operator, value)`);
  }
  const fact = o.fact as string;
  if (!(typeof fact === 'string' && fact in FACTS)) {
    const hint = typeof fact === 'string' ? closest(fact, FACT_NAMES) : undefined;
    return x.err(
      x.file,
      `${p}.fact`,
      `unknown fact ${JSON.stringify(fact)}${hint ? ` (did you mean "${hint}"?)` : ''}; known facts: ${FACT_NAMES.join(', ')}`,
    );
  }
  const op = o.operator as string;
  if (!(OPERATORS as readonly string[]).includes(op)) {
    const hint = typeof op === 'string' ? closest(op, OPERATORS) : undefined;
    return x.err(
      x.file,
      `${p}.operator`,
      `unknown operator ${JSON.stringify(op)}${hint ? ` (did you mean "${hint}"?)` : ''}; operators: ${OPERATORS.join(', ')}`,
    );
  }
  const spec: FactSpec = FACTS[fact as FactName];
  const kind = operatorValueKind(op as OperatorName, spec.type);
  if (!kind)
    return x.err(x.file, `${p}.operator`, `operator ${op} does not apply to fact ${fact} (a ${spec.type})`);
  if (!('value' in o)) return x.err(x.file, `${p}.value`, 'a condition needs a value');
  const value = o.value;
  const scalarType = spec.type === 'string[]' ? 'string' : spec.type;
  const checkScalar = (val: unknown, vp: string) => {
    if (val !== null && typeof val === 'object')
      return (x.err(x.file, vp, 'fact references and objects are not supported as values'), false);
    if (typeof val !== scalarType)
      return (x.err(x.file, vp, `fact ${fact} is a ${scalarType}; got ${JSON.stringify(val)}`), false);
    const allowed = spec.values ?? (fact === 'zone' ? [...x.zones, ''] : undefined);
    if (allowed && !allowed.includes(val as string)) {
      const hint = closest(String(val), allowed);
      return (
        x.err(
          x.file,
          vp,
          `${JSON.stringify(val)} is not a ${fact === 'zone' ? 'zone in destinations' : `value of ${fact}`}${hint ? ` (did you mean "${hint}"?)` : ''}; known: ${allowed.filter((a) => a).join(', ')}`,
        ),
        false
      );
    }
    if (!x.mentioned.has(fact as FactName)) x.mentioned.set(fact as FactName, []);
    x.mentioned.get(fact as FactName)!.push(val);
    return true;
  };
  if (kind === 'array') {
    if (!Array.isArray(value)) return x.err(x.file, `${p}.value`, `operator ${op} needs a list of values`);
    value.forEach((e, i) => checkScalar(e, `${p}.value[${i}]`));
  } else checkScalar(value, `${p}.value`);
}

function checkEvent(
  rule: RuleJson,
  p: string,
  x: Ctx & {
    cards: Record<string, unknown>;
    dec: (f: string, p: string, t: unknown, w: string, o?: { max?: string }) => boolean;
  },
): void {
  const e = rule.event as { type?: string; params?: Record<string, unknown> } | undefined;
  if (!e || typeof e !== 'object') return x.err(x.file, `${p}.event`, 'a rule needs an event');
  if (!(EVENT_TYPES as readonly string[]).includes(e.type as string))
    return x.err(
      x.file,
      `${p}.event.type`,
      `unknown event type ${JSON.stringify(e.type)}; use ${EVENT_TYPES.join(', ')}`,
    );
  const params = e.params ?? {};
  const allowed: Record<string, string[]> = {
    rate: ['rateCard'],
    reject: ['reason'],
    discount: ['percent', 'label'],
    surcharge: ['name', 'amount', 'perMinute'],
  };
  for (const k of Object.keys(params))
    if (!allowed[e.type!]!.includes(k))
      x.err(
        x.file,
        `${p}.event.params.${k}`,
        `unknown parameter "${k}" for a ${e.type} event; allowed: ${allowed[e.type!]!.join(', ')}`,
      );
  const pp = `${p}.event.params`;
  switch (e.type) {
    case 'rate':
      if (typeof params.rateCard !== 'string')
        x.err(x.file, `${pp}.rateCard`, 'a rate event names a rate card');
      else if (!(params.rateCard in x.cards)) {
        const hint = closest(params.rateCard, Object.keys(x.cards));
        x.err(
          x.file,
          `${pp}.rateCard`,
          `missing rate: no rate card ${JSON.stringify(params.rateCard)} in rates file${hint ? ` (did you mean "${hint}"?)` : ''}`,
        );
      }
      break;
    case 'reject':
      if (typeof params.reason !== 'string' || !params.reason)
        x.err(x.file, `${pp}.reason`, 'a reject event needs a reason');
      break;
    case 'discount':
      x.dec(x.file, `${pp}.percent`, params.percent, 'percent', { max: '100' });
      break;
    case 'surcharge':
      if (typeof params.name !== 'string' || !params.name)
        x.err(x.file, `${pp}.name`, 'a surcharge needs a name (e.g. the feature)');
      if (params.amount === undefined && params.perMinute === undefined)
        x.err(x.file, pp, 'a surcharge needs "amount" (per call) or "perMinute"');
      if (params.amount !== undefined) x.dec(x.file, `${pp}.amount`, params.amount, 'amount');
      if (params.perMinute !== undefined) x.dec(x.file, `${pp}.perMinute`, params.perMinute, 'perMinute');
      break;
  }
}

export function factsOf(c: ConditionJson, out = new Set<string>()): Set<string> {
  if ('all' in c) c.all.forEach((s) => factsOf(s, out));
  else if ('any' in c) c.any.forEach((s) => factsOf(s, out));
  else if ('not' in c) factsOf(c.not, out);
  else out.add(c.fact);
  return out;
}

function union(a: Set<string>, b: Set<string>): Set<string> {
  const s = new Set(a);
  for (const x of b) s.add(x);
  return s;
}

function baselineFacts(): Record<string, unknown> {
  return {
    accessType: 'dial_out',
    zone: '',
    matchedPrefix: '',
    customerAccount: OTHER,
    contractId: '',
    pricePlan: '',
    features: [],
    durationSeconds: 60,
    startHour: 10,
    startWeekday: 3,
    startBand: 'offpeak',
    calledNumber: OTHER,
    callerNumber: OTHER,
    conferenceId: OTHER,
    bridgeId: OTHER,
    hasBooking: false,
  };
}

function buildDomains(mentioned: Map<FactName, unknown[]>, zones: Set<string>): Map<string, unknown[]> {
  const d = new Map<string, unknown[]>();
  for (const f of FACT_NAMES) {
    const spec: FactSpec = FACTS[f];
    const m = [...new Set(mentioned.get(f) ?? [])];
    let dom: unknown[];
    if (f === 'zone') dom = [...zones, ''];
    else if (f === 'contractId' || f === 'pricePlan' || f === 'matchedPrefix')
      dom = [...new Set(['', ...(m as string[]), OTHER])];
    else if (spec.type === 'string')
      dom = spec.values ? [...spec.values] : [...new Set([...(m as string[]), OTHER])];
    else if (spec.type === 'boolean') dom = [false, true];
    else if (spec.type === 'number') {
      const s = new Set<number>([0]);
      for (const n of m as number[]) [n - 1, n - 0.5, n, n + 0.5, n + 1].forEach((x) => s.add(x));
      if (f === 'startHour') for (let h = 0; h < 24; h++) s.add(h);
      if (f === 'startWeekday') for (let w = 1; w <= 7; w++) s.add(w);
      const range: Record<string, [number, number]> = {
        durationSeconds: [0, Infinity],
        startHour: [0, 23],
        startWeekday: [1, 7],
      };
      const [lo, hi] = range[f] ?? [-Infinity, Infinity];
      dom = [...s].filter(
        (x) => x >= lo && x <= hi && (f === 'durationSeconds' ? Number.isInteger(x) : true),
      );
    } else {
      const vals = m.length ? (m as string[]) : [];
      const subsets: string[][] = [[]];
      if (vals.length <= 5) for (const x of vals) subsets.push(...subsets.map((s) => [...s, x]));
      else subsets.push(...vals.map((x) => [x]), vals);
      dom = subsets;
    }
    d.set(f, dom);
  }
  return d;
}

/**
 * An assignment of `facts` (others from the baseline) for which `test` holds, or null when there is
 * none. When the domain is too large to enumerate, returns undefined (unknown), which callers treat
 * as "no finding".
 */
function findAssignment(
  facts: Set<string>,
  domains: Map<string, unknown[]>,
  baseline: Record<string, unknown>,
  test: Predicate,
): Record<string, unknown> | null | undefined {
  const list = [...facts];
  let size = 1;
  for (const f of list) size *= domains.get(f)!.length;
  if (size > MAX_ENUMERATION) return undefined;
  const a: Record<string, unknown> = { ...baseline };
  const rec = (k: number): boolean => {
    if (k === list.length) return test(a);
    for (const val of domains.get(list[k]!)!) {
      a[list[k]!] = val;
      if (rec(k + 1)) return true;
    }
    return false;
  };
  return rec(0) ? { ...a } : null;
}

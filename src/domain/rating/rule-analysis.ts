/**
 * What the rules do together, found by enumerating the facts on small finite domains: rules that
 * overlap at the same priority, rules that can never fire, and zones or access types no rule prices.
 */
import { ACCESS_TYPES } from '../cdr';
import { compileCondition, type Predicate } from './compile';
import { FACT_NAMES, FACTS, type FactName, type FactSpec } from './facts';
import type { Report } from './check-tables';
import type { ConditionJson, RuleJson, RuleSetSource } from './types';

const MAX_ENUMERATION = 50_000;
const OTHER = '\u0000other';

/** Runs on well-formed rules only (every earlier check passed). */
export function analyseRules(
  src: RuleSetSource,
  rules: RuleJson[],
  err: Report,
  tables: {
    zones: Set<string>;
    firstPrefixOfZone: Map<string, string>;
    /** The values each fact is compared with in the rules. */
    mentioned: Map<FactName, unknown[]>;
  },
): void {
  const F = src.files;
  const r = src.ruleset;
  const { zones, firstPrefixOfZone, mentioned } = tables;
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

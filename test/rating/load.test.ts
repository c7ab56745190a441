import { describe, expect, it, beforeEach, afterEach } from 'vitest';
import { cp, mkdtemp, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadRuleBook } from '../../src/rules-files/load';
import { RatingRuntime } from '../../src/app/rating/rating-runtime';
import { ruleDirectory } from '../../src/rules-files/rule-directory';
import { SCHEMAS } from '../../src/rules-files/schemas';
import { rulesCheck, rulesTest } from '../../src/cli/rules-commands';
import type { RatesFileJson, RuleSetFileJson } from '../../src/domain/rating/index';
import { cdr } from './fixture';
import { condition, editJson, eventParams, ruleNamed, slot } from './rule-docs';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rules-'));
  await cp('rules', dir, { recursive: true });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const SET = 'standard-2025';
const editRules = (f: (doc: RuleSetFileJson) => void) => editJson(path.join(dir, SET, 'ruleset.json'), f);
const editRates = (f: (doc: RatesFileJson) => void) => editJson(path.join(dir, SET, 'rates.json'), f);
const ruleIndex = (doc: RuleSetFileJson, name: string) => doc.rules.findIndex((r) => r.name === name);

describe('loadRuleBook', () => {
  it('loads the shipped rules, with file hashes', async () => {
    const r = await loadRuleBook('rules');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.book.sets.map((s) => `${s.name} ${s.version} ${s.currency}`)).toEqual([
      'standard-2025 2025.1 EUR',
      'standard-2026 2026.1 EUR',
      'standard-2026-sek 2026.1 SEK',
    ]);
    expect(r.book.currencies).toEqual(['EUR', 'SEK']);
    expect(r.book.listPriceCurrency).toBe('EUR');
    expect(r.files).toHaveLength(12);
    expect(r.files[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    const set = r.book.sets[0]!;
    expect(set.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(set.source.destinations.prefixes).length).toBeGreaterThanOrEqual(300);
    expect(set.rules.length).toBeGreaterThanOrEqual(40);
  });

  it('refuses a typo in a fact name, naming file, path and the fix', async () => {
    let i = 0;
    await editRules((d) => {
      i = ruleIndex(d, 'dial-out EU');
      condition(d.rules[i]!, 1).fact = 'zonee';
    });
    const r = await loadRuleBook(dir);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.violations).toHaveLength(1);
    expect(r.violations[0]).toMatchObject({
      file: `${SET}/ruleset.json`,
      jsonPath: `$.rules[${i}].conditions.all[1].fact`,
    });
    expect(r.violations[0]!.reason).toMatch(/^unknown fact "zonee" \(did you mean "zone"\?\)/);
  });

  it('refuses a bad operator', async () => {
    let i = 0;
    await editRules((d) => {
      i = ruleIndex(d, 'web');
      condition(d.rules[i]!, 0).operator = 'equals';
    });
    const r = await loadRuleBook(dir);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.violations[0]).toMatchObject({
      file: `${SET}/ruleset.json`,
      jsonPath: `$.rules[${i}].conditions.all[0].operator`,
    });
    expect(r.violations[0]!.reason).toMatch(/unknown operator "equals" \(did you mean "equal"\?\)/);
  });

  it('refuses a missing rate card, and a zone no rate covers', async () => {
    await editRates((d) => delete d.rateCards.do_UK);
    let r = await loadRuleBook(dir);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.violations[0]!.jsonPath).toMatch(/^\$\.rules\[\d+\]\.event\.params\.rateCard$/);
    expect(r.violations[0]!.reason).toContain('missing rate: no rate card "do_UK"');

    await cp('rules', dir, { recursive: true });
    await editRules((d) => d.rules.splice(ruleIndex(d, 'dial-out UK'), 1));
    r = await loadRuleBook(dir);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.violations).toEqual([
      {
        file: `${SET}/destinations.json`,
        jsonPath: '$.prefixes["+44"]',
        reason: expect.stringContaining('missing rate: zone UK has no rate for dial_out') as string,
      },
    ]);
  });

  it('refuses a value of the wrong type, an unknown zone, bad event parameters', async () => {
    await editRules((d) => {
      condition(ruleNamed(d, 'dial-out WORLD_B over an hour'), 2).value = '3600';
      condition(ruleNamed(d, 'dial-out EU'), 1).value = 'EUROPE';
      eventParams(ruleNamed(d, 'recording surcharge')).amount = '0,25';
      eventParams(ruleNamed(d, 'nonprofit discount')).percentage = '15';
    });
    const r = await loadRuleBook(dir);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const reasons = r.violations.map((v) => `${v.jsonPath}: ${v.reason}`).join('\n');
    expect(reasons).toMatch(/value: fact durationSeconds is a number; got "3600"/);
    expect(reasons).toMatch(/"EUROPE" is not a zone in destinations/);
    expect(reasons).toMatch(/event\.params\.amount: "0,25": must match pattern/);
    expect(reasons).toMatch(
      /event\.params\.percentage: unknown property "percentage" \(did you mean "percent"\?\)/,
    );
  });

  it('refuses overlapping and unreachable rules', async () => {
    await editRules((d) => {
      d.rules.push({
        name: 'dial-out EU again',
        priority: 10,
        conditions: {
          all: [
            { fact: 'zone', operator: 'in', value: ['EU', 'UK'] },
            { fact: 'accessType', operator: 'equal', value: 'dial_out' },
          ],
        },
        event: { type: 'rate', params: { rateCard: 'do_UK' } },
      });
      d.rules.push({
        name: 'never',
        conditions: {
          all: [
            { fact: 'accessType', operator: 'equal', value: 'web' },
            { fact: 'accessType', operator: 'equal', value: 'dial_out' },
          ],
        },
        event: { type: 'rate', params: { rateCard: 'web' } },
      });
      d.rules.push({
        name: 'shadowed',
        priority: 5,
        conditions: { all: [{ fact: 'accessType', operator: 'equal', value: 'web' }] },
        event: { type: 'rate', params: { rateCard: 'web' } },
      });
    });
    const r = await loadRuleBook(dir);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const reasons = r.violations.map((v) => v.reason).join('\n');
    expect(reasons).toMatch(
      /overlaps rule "dial-out EU" .* at the same priority 10: both fire for .*zone="EU"/,
    );
    expect(reasons).toMatch(/overlaps rule "dial-out UK"/);
    expect(reasons).toMatch(/unreachable: the conditions can never all hold/);
    expect(reasons).toMatch(/unreachable: always overridden by higher-priority rule\(s\) "web"/);
  });

  it('reports invalid JSON with line and column', async () => {
    await writeFile(path.join(dir, SET, 'calendar.json'), '{\n  "weekendDays": [6, 7],\n  "peak": [}\n');
    const r = await loadRuleBook(dir);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.violations[0]!.file).toBe(`${SET}/calendar.json`);
    expect(r.violations[0]!.reason).toMatch(/^not valid JSON/);
  });

  it('keeps pricing with the last good set when a new one is bad (live reload)', async () => {
    const archived: string[] = [];
    const live = new RatingRuntime(
      ruleDirectory(dir),
      { save: (sets) => Promise.resolve(void archived.push(...sets.map((s) => s.hash))) },
      { info() {}, error() {} },
    );
    expect(await live.reload()).toBe(true);
    const good = live.current!.book;
    const call = cdr({ calledNumber: '+4930123456', start: '2025-03-12T10:00:00+01:00', seconds: 60 });
    expect(good.rate(call, { customerAccount: 'C' })).toMatchObject({ amount: '0.17' }); // 60 s x 0.12/60 + 0.05
    await editRules((d) => (condition(ruleNamed(d, 'dial-out EU'), 1).fact = 'zonee'));
    expect(await live.reload()).toBe(false);
    expect(live.lastRefused!.violations[0]!.reason).toContain('unknown fact "zonee"');
    expect(live.current!.book).toBe(good);
    expect(live.rate(call)).toMatchObject({ rated: true, charge: { amount: '0.17' } });
    // a valid change goes live on the next reload, and is archived before it prices anything
    await cp('rules', dir, { recursive: true });
    await editRates((d) => (slot(d, 'do_EU', 'peak').rate = '0.18'));
    expect(await live.reload()).toBe(true);
    expect(live.current!.book).not.toBe(good);
    expect(live.lastRefused).toBeUndefined();
    expect(live.rate(call)).toMatchObject({ rated: true, charge: { amount: '0.23' } }); // 0.18 + 0.05
    expect(archived).toContain((live.rate(call) as { charge: { ruleSetHash: string } }).charge.ruleSetHash);
  });
});

describe('rules CLI', () => {
  it('check and test pass on the shipped rules and fail with file: path: reason', async () => {
    const out: string[] = [];
    const err: string[] = [];
    expect(
      await rulesCheck(
        'rules',
        (s) => out.push(s),
        (s) => err.push(s),
      ),
    ).toBe(0);
    expect(
      await rulesTest(
        'rules',
        (s) => out.push(s),
        (s) => err.push(s),
      ),
    ).toBe(0);
    expect(err).toEqual([]);
    await editRules((d) => (condition(d.rules[0]!, 0).operator = 'equals'));
    expect(
      await rulesCheck(
        dir,
        () => {},
        (s) => err.push(s),
      ),
    ).toBe(1);
    expect(err[0]).toBe(
      `${SET}/ruleset.json: $.rules[0].conditions.all[0].operator: unknown operator "equals" (did you mean "equal"?); allowed: equal, notEqual, lessThan, lessThanInclusive, greaterThan, greaterThanInclusive, in, notIn, contains, doesNotContain`,
    );
  });

  it('rules test shows the difference when a case fails', async () => {
    await editRates((d) => (slot(d, 'do_SE_MOBILE', 'peak').rate = '0.15'));
    const err: string[] = [];
    expect(
      await rulesTest(
        dir,
        () => {},
        (s) => err.push(s),
      ),
    ).toBe(1);
    // 61 s x 0.15/60 = 0.1525 + 0.25 = 0.4025 -> 0.40 instead of 0.37
    expect(err.join('\n')).toContain('amount: expected 0.37, got 0.40 (difference +0.03)');
  });
});

describe('schemas for editors', () => {
  it('rules/schema/*.schema.json equal the schemas the loader uses', async () => {
    const files = (await readdir('rules/schema')).sort();
    expect(files).toEqual(Object.keys(SCHEMAS).sort());
    for (const [name, schema] of Object.entries(SCHEMAS)) {
      expect(JSON.parse(await readFile(path.join('rules/schema', name), 'utf8'))).toEqual(
        JSON.parse(JSON.stringify(schema)),
      );
    }
  });
});

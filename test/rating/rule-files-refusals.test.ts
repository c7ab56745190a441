import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cp, mkdtemp, readFile, rm, writeFile, rename } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadRuleBook } from '../../src/rules-files/load';
import { loadCandidateRuleBook } from '../../src/rules-files/candidate';
import { ruleDirectory } from '../../src/rules-files/rule-directory';
import { RatingRuntime } from '../../src/app/rating/rating-runtime';
import type { RatesFileJson, RuleSetFileJson } from '../../src/domain/rating/index';
import { editJson, wrong } from './rule-docs';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rules-refusals-'));
  await cp('rules', dir, { recursive: true });
});
afterEach(async () => rm(dir, { recursive: true, force: true }));
const f = (p: string) => path.join(dir, 'standard-2026', p);
const quiet = { info() {}, error() {} };

/**
 * Rule files finance edits by hand while the service runs: what JSON.parse or a racing editor would
 * let through silently, and what would throw instead of being refused with the file and the field.
 */
describe('rule files refused, not thrown or silently misread', () => {
  it('A: a deeply nested condition is refused naming the file, not thrown', async () => {
    await editJson<RuleSetFileJson>(f('ruleset.json'), (d) => {
      d.rules[0]!.conditions = wrong('DEEP');
    });
    let c = '{"fact":"accessType","operator":"equal","value":"web"}';
    for (let i = 0; i < 3000; i++) c = `{"all":[${c}]}`;
    await writeFile(f('ruleset.json'), (await readFile(f('ruleset.json'), 'utf8')).replace('"DEEP"', c));
    const live = new RatingRuntime(ruleDirectory(dir), { save: async () => {} }, quiet);
    const ok = await live.reload().catch((e: Error) => `threw ${e.message}`);
    expect(ok).toBe(false);
    expect(live.lastRefused?.violations[0]?.file).toBe('standard-2026/ruleset.json');
  });

  it('B: a duplicated key in destinations.json is refused, not silently dropped', async () => {
    const text = await readFile(f('destinations.json'), 'utf8');
    await writeFile(
      f('destinations.json'),
      text.replace('"+4670": "SE_MOBILE",', '"+4670": "SE_MOBILE",\n    "+4670": "SE",'),
    );
    const r = await loadRuleBook(dir);
    expect(r.ok ? 'loaded' : r.violations).toEqual([
      expect.objectContaining({ file: 'standard-2026/destinations.json', jsonPath: '$.prefixes["+4670"]' }),
    ]);
  });

  it('B2: a duplicated rate card name is refused', async () => {
    const text = await readFile(f('rates.json'), 'utf8');
    const dup =
      '"do_SE": { "rateUnit": 60, "firstIncrement": 1, "nextIncrement": 1, "rates": { "any": [ { "fromSecond": 0, "rate": "9.99" } ] } },\n    ';
    await writeFile(f('rates.json'), text.replace('"do_SE": {', dup + '"do_SE": {'));
    const r = await loadRuleBook(dir);
    expect(r.ok ? 'loaded' : r.violations).toEqual([
      expect.objectContaining({ file: 'standard-2026/rates.json', jsonPath: '$.rateCards.do_SE' }),
    ]);
  });

  it('E: a rate card named like an inherited property ("toString") is refused at its field', async () => {
    await editJson<RuleSetFileJson>(f('ruleset.json'), (d) => {
      const rule = d.rules.find((r) => r.event.type === 'rate')!;
      (rule.event.params as { rateCard: string }).rateCard = 'toString';
    });
    const r = await loadRuleBook(dir);
    expect(r.ok ? 'loaded' : r.violations.map((v) => [v.file, v.jsonPath.replace(/\[\d+\]/, '[i]')])).toEqual(
      [['standard-2026/ruleset.json', '$.rules[i].event.params.rateCard']],
    );
  });

  it('C: a file re-saved (same content) while a reload reads it does not stay refused', async () => {
    const src = ruleDirectory(dir);
    const rates = f('rates.json');
    let hook = false;
    const racy = {
      ...src,
      load: async () => {
        if (hook) {
          // the editor saves again by rename while the loader reads: the file is briefly missing
          hook = false;
          await rename(rates, rates + '~');
          const r = await src.load();
          await rename(rates + '~', rates);
          return r;
        }
        return src.load();
      },
    };
    const live = new RatingRuntime(racy, { save: async () => {} }, quiet);
    expect(await live.reload()).toBe(true);
    await editJson<RatesFileJson>(rates, (d) => {
      d.rateCards.do_SE!.rates.peak![0]!.rate = '0.50';
    });
    hook = true;
    await live.reloadIfChanged(); // refused: missing file (the race)
    await live.reloadIfChanged(); // the rescan: files are valid and unchanged since
    expect(live.lastRefused?.violations).toBeUndefined();
    expect(live.liveView?.filesMatchLive).toBe(true);
  });

  it('D: two rule sets with the same name and version but different content are refused', async () => {
    await cp(path.join(dir, 'standard-2026'), path.join(dir, 'standard-2027'), { recursive: true });
    const p = path.join(dir, 'standard-2027', 'ruleset.json');
    await editJson<RuleSetFileJson>(p, (d) => {
      d.effectiveFrom = '2027-01-01T00:00:00+01:00';
    });
    const r = await loadRuleBook(dir);
    expect(r.ok ? 'loaded' : r.violations).toEqual([
      expect.objectContaining({ file: 'standard-2027/ruleset.json', jsonPath: '$.version' }),
    ]);
  });

  it('F: candidate with a deep file answers a violation, not a RangeError', () => {
    let c = '{"fact":"accessType","operator":"equal","value":"web"}';
    for (let i = 0; i < 3000; i++) c = `{"all":[${c}]}`;
    const files = ['ruleset', 'destinations', 'rates', 'calendar'].map((p) => ({
      path: `x/${p}.json`,
      content:
        p === 'ruleset'
          ? `{"name":"x","version":"1","effectiveFrom":"2026-01-01T00:00:00Z","currency":"EUR","defaultTimeZone":"UTC","rounding":{"method":"half_up","decimals":2},"rules":[{"name":"a","conditions":${c},"event":{"type":"rate","params":{"rateCard":"a"}}}]}`
          : '{}',
    }));
    const r = (() => {
      try {
        return loadCandidateRuleBook(files);
      } catch (e) {
        return `threw ${(e as Error).message}`;
      }
    })();
    expect(typeof r === 'string' || r.ok ? r : r.violations).toContainEqual(
      expect.objectContaining({
        file: 'x/ruleset.json',
        reason: expect.stringMatching(/nested more than 64 levels/) as unknown,
      }),
    );
  });
});

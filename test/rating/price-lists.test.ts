/**
 * Price lists per currency: the customer's currency picks the timeline, each currency has its own
 * effectiveFrom dates, and a currency without a price list in force is not priced (never priced in
 * another currency). Display names of zones and access types come from the set in force.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildRuleBook, type RuleBook, type RuleSetSource } from '../../src/domain/rating/index';
import { RuleSetRater } from '../../src/app/rating/rule-set-rater';
import { loadRuleBook } from '../../src/rules-files/load';
import { cdr, fixtureSource } from './fixture';
import { editJson } from './rule-docs';

function inCurrency(currency: string, over: Parameters<typeof fixtureSource>[0] = {}): RuleSetSource {
  const s = fixtureSource(over);
  s.ruleset.currency = currency;
  s.ruleset.name = `fixture-${currency}`;
  s.hash = `${s.hash}-${currency}`;
  s.files = {
    ruleset: `${currency}/ruleset.json`,
    destinations: `${currency}/destinations.json`,
    rates: `${currency}/rates.json`,
    calendar: `${currency}/calendar.json`,
  };
  return s;
}

function book(...sources: RuleSetSource[]): RuleBook {
  const r = buildRuleBook(sources);
  if (!r.ok) throw new Error(JSON.stringify(r.violations, null, 2));
  return r.book;
}

const call = (start: string) => cdr({ calledNumber: '+468123', start, seconds: 60 });

describe('price lists per currency', () => {
  const b = book(
    inCurrency('EUR'),
    // SEK starts later than EUR, and has a later price change of its own
    inCurrency('SEK', { version: 's1', effectiveFrom: '2025-03-01T00:00:00+01:00', sePeak: '6.50' }),
    inCurrency('SEK', { version: 's2', effectiveFrom: '2025-06-01T00:00:00+02:00', sePeak: '7.00' }),
  );

  it('prices with the set of the customer currency in force at the start', () => {
    const eur = b.rate(call('2025-04-02T10:00:00+02:00'), { customerAccount: 'C', currency: 'EUR' });
    const sek = b.rate(call('2025-04-02T10:00:00+02:00'), { customerAccount: 'C', currency: 'SEK' });
    const sekLater = b.rate(call('2025-06-02T10:00:00+02:00'), { customerAccount: 'C', currency: 'SEK' });
    expect(eur).toMatchObject({ rated: true, amount: '0.60', currency: 'EUR', ruleSetVersion: '1' });
    expect(sek).toMatchObject({ rated: true, amount: '6.50', currency: 'SEK', ruleSetVersion: 's1' });
    expect(sekLater).toMatchObject({ rated: true, amount: '7.00', currency: 'SEK', ruleSetVersion: 's2' });
    // the charge records the set that priced it
    expect(sek.rated && sek.ruleSetHash).toBe('hash-s1-SEK');
  });

  it('does not price a currency with no price list in force, and never falls back to another', () => {
    expect(b.rate(call('2025-02-03T10:00:00+01:00'), { customerAccount: 'C', currency: 'SEK' })).toEqual({
      rated: false,
      reason: 'no SEK price list in force at 2025-02-03T09:00:00.000Z',
    });
    expect(b.rate(call('2025-04-02T10:00:00+02:00'), { customerAccount: 'C', currency: 'NOK' })).toEqual({
      rated: false,
      reason: 'no NOK price list in force at 2025-04-02T08:00:00.000Z',
    });
    expect(
      b.rate(cdr({ start: 'not a date', seconds: 5 }), { customerAccount: 'C', currency: 'SEK' }),
    ).toEqual({
      rated: false,
      reason: 'no SEK price list in force at an invalid start time',
    });
  });

  it('prices a context without a currency at list prices: the earliest price list currency', () => {
    expect(b.listPriceCurrency).toBe('EUR');
    expect(b.currencies).toEqual(['EUR', 'SEK']);
    expect(b.rate(call('2025-04-02T10:00:00+02:00'), { customerAccount: 'C' })).toMatchObject({
      currency: 'EUR',
    });
    expect(b.ruleSetAt(new Date('2025-07-01T00:00:00Z'))!.currency).toBe('EUR');
    expect(b.ruleSetAt(new Date('2025-07-01T00:00:00Z'), 'SEK')!.version).toBe('s2');
    expect(b.ruleSetAt(new Date('2025-07-01T00:00:00Z'), 'NOK')).toBeUndefined();
  });

  it('allows two currencies to start at the same moment, but not two sets of one currency', () => {
    expect(buildRuleBook([inCurrency('EUR'), inCurrency('SEK')]).ok).toBe(true);
    const r = buildRuleBook([
      inCurrency('SEK'),
      {
        ...inCurrency('SEK', { version: '2' }),
        files: { ...inCurrency('X').files, ruleset: 'other/ruleset.json' },
      },
    ]);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.violations).toEqual([
      {
        file: 'other/ruleset.json',
        jsonPath: '$.effectiveFrom',
        reason:
          'same effectiveFrom and currency (SEK) as SEK/ruleset.json: which set prices a call would be ambiguous',
      },
    ]);
  });
});

describe('the shipped price lists', () => {
  it('price a SEK customer in SEK and an EUR customer in EUR, from the same files', async () => {
    const r = await loadRuleBook('rules');
    if (!r.ok) throw new Error(JSON.stringify(r.violations));
    const c = cdr({ calledNumber: '+46701234567', start: '2026-03-11T10:00:00+01:00', seconds: 120 });
    expect(r.book.rate(c, { customerAccount: 'C', currency: 'EUR' })).toMatchObject({
      amount: '0.24',
      currency: 'EUR',
    });
    // 120 s x 1.30/60
    expect(r.book.rate(c, { customerAccount: 'C', currency: 'SEK' })).toMatchObject({
      amount: '2.60',
      currency: 'SEK',
    });
    // period pricing by currency too: the SEK plan's commitment is in SEK
    const at = new Date('2026-03-01T00:00:00+01:00');
    expect(r.book.periodPricingAt(at, 'volume-2026', 'SEK')).toMatchObject({
      ruleSetName: 'standard-2026-sek',
      rules: { minimumCommitment: { amount: '1100.00' } },
    });
    expect(r.book.periodPricingAt(at, 'volume-2026', 'EUR')).toMatchObject({
      ruleSetName: 'standard-2026',
      rules: { minimumCommitment: { amount: '100.00' } },
    });
    expect(r.book.periodPricingAt(at, 'volume-2026')?.ruleSetName).toBe('standard-2026');
    expect(r.book.periodPricingAt(at, 'volume-2026', 'NOK')).toBeUndefined();
    // one explicit set (a rerate by hash) never prices a period of a customer in another currency
    const eurSet = new RuleSetRater(r.book.sets.find((s) => s.name === 'standard-2026')!);
    expect(eurSet.periodPricing(at, 'volume-2026', 'EUR')?.ruleSetName).toBe('standard-2026');
    expect(() => eurSet.periodPricing(at, 'volume-2026', 'SEK')).toThrow(
      'rule set standard-2026 2026.1 prices in EUR, but the customer is billed in SEK',
    );
  });

  it('name every zone and access type', async () => {
    const r = await loadRuleBook('rules');
    if (!r.ok) throw new Error(JSON.stringify(r.violations));
    for (const set of r.book.sets) {
      const names = r.book.displayNamesAt(set.effectiveFrom, set.currency);
      const zones = new Set(Object.values(set.source.destinations.prefixes));
      expect(Object.keys(names.zones).sort()).toEqual([...zones].sort());
      for (const zone of zones) expect(names.zones[zone], `${set.name} ${zone}`).not.toBe(zone);
      expect(Object.keys(set.source.ruleset.accessTypeNames ?? {}).sort()).toEqual([
        'dial_out',
        'local_dial_in',
        'toll_free_dial_in',
        'web',
      ]);
    }
    const names = r.book.displayNamesAt(new Date('2026-03-01T00:00:00+01:00'), 'SEK');
    expect(names.zones.NORDIC_MOBILE).toBe('Nordic mobile networks');
    expect(names.zones.US_CA).toBe('USA and Canada');
    expect(names.accessTypes.dial_out).toBe('Dial-out');
  });
});

describe('display names', () => {
  it('fall back to the zone code and the built-in access type labels', () => {
    const s = inCurrency('EUR');
    s.destinations.zones = { SE: { displayName: 'Sweden' }, DE: {} };
    s.ruleset.accessTypeNames = { web: 'Web participants' };
    const names = book(s).displayNamesAt(new Date('2025-04-01T00:00:00Z'), 'EUR');
    expect(names.zones).toEqual({ SE: 'Sweden', SE_MOB: 'SE_MOB', DE: 'DE', US: 'US' });
    expect(names.accessTypes).toEqual({
      local_dial_in: 'Dial-in, local number',
      toll_free_dial_in: 'Dial-in, toll-free number',
      dial_out: 'Dial-out',
      web: 'Web participants',
    });
    // nothing in force (before the first set, or another currency): codes and built-in labels
    expect(book(s).displayNamesAt(new Date('2020-01-01T00:00:00Z'))).toEqual({
      zones: {},
      accessTypes: {
        local_dial_in: 'Dial-in, local number',
        toll_free_dial_in: 'Dial-in, toll-free number',
        dial_out: 'Dial-out',
        web: 'Web / VoIP',
      },
    });
    // a copy: the caller may change it
    names.zones.SE = 'changed';
    expect(book(s).displayNamesAt(new Date('2025-04-01T00:00:00Z')).zones.SE).toBe('Sweden');
  });

  describe('rules check', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'display-names-'));
      await cp('rules', dir, { recursive: true });
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('refuses a name for an unknown zone or access type, with file, path and reason', async () => {
      await editJson(path.join(dir, 'standard-2026-sek', 'destinations.json'), (d: { zones: object }) => {
        d.zones = { ...d.zones, NORDIC_MOBIL: { displayName: 'Nordic mobile' } };
      });
      await editJson(
        path.join(dir, 'standard-2026-sek', 'ruleset.json'),
        (d: { accessTypeNames: object }) => {
          d.accessTypeNames = { ...d.accessTypeNames, dialout: 'Dial-out' };
        },
      );
      const r = await loadRuleBook(dir);
      expect(r.ok).toBe(false);
      const found = !r.ok ? r.violations.map((v) => `${v.file}: ${v.jsonPath}: ${v.reason}`) : [];
      expect(found).toContain(
        'standard-2026-sek/destinations.json: $.zones["NORDIC_MOBIL"]: unknown zone "NORDIC_MOBIL": no prefix in "prefixes" maps to it (did you mean "NORDIC_MOBILE"?)',
      );
      expect(found.some((f) => f.startsWith('standard-2026-sek/ruleset.json: $.accessTypeNames'))).toBe(true);
      expect(found.join('\n')).toContain('dialout');
    });

    it('refuses a blank display name', async () => {
      await editJson(
        path.join(dir, 'standard-2026', 'destinations.json'),
        (d: { zones: Record<string, object> }) => {
          d.zones.SE = { displayName: ' ' };
        },
      );
      const r = await loadRuleBook(dir);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.violations.map((v) => v.jsonPath)).toContain('$.zones.SE.displayName');
    });
  });
});

/**
 * What a call's price is made of (src/domain/rating/charge-parts.ts), through the real rating of
 * the shipped rules: the parts, each quantity × price / base quantity less its discount, add up to
 * the unrounded total the explanation shows, so invoice lines built from them are exact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadRuleBook } from '../../src/rules-files/load';
import type { RuleBook } from '../../src/domain/rating/rule-book';
import type { ChargePart } from '../../src/domain/rating/charge-parts';
import type { PricingContext, RatingOutcome } from '../../src/domain/rating/index';
import type { Feature } from '../../src/domain/cdr';
import { Decimal } from '../../src/domain/money';
import { cdr } from './fixture';

let dir: string;
let book: RuleBook;

beforeAll(async () => {
  // The shipped rules, with one change: no shipped card's minimum charge is ever reached (each is at
  // most its first increment's price), so rest-of-world dial-out gets a minimum of 1.50 here.
  dir = await mkdtemp(path.join(os.tmpdir(), 'charge-parts-'));
  await cp('rules', dir, { recursive: true });
  const rates = path.join(dir, 'standard-2026', 'rates.json');
  const doc = JSON.parse(await readFile(rates, 'utf8')) as {
    rateCards: Record<string, { minimumCharge?: string }>;
  };
  doc.rateCards.do_WORLD_B!.minimumCharge = '1.50';
  await writeFile(rates, JSON.stringify(doc, null, 2));
  const r = await loadRuleBook(dir);
  if (!r.ok) throw new Error(r.violations.map((v) => `${v.file}: ${v.jsonPath}: ${v.reason}`).join('\n'));
  book = r.book;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// A Wednesday in March 2026, office hours (peak): standard-2026 is in force.
const START = '2026-03-11T10:00:00+01:00';

function rated(o: RatingOutcome) {
  if (!o.rated) throw new Error(`not rated: ${o.reason}`);
  return o;
}

function price(calledNumber: string, seconds: number, ctx: PricingContext, features: Feature[] = []) {
  return rated(
    book.rate(
      cdr({
        accessType: 'dial_out',
        calledNumber,
        start: START,
        seconds,
        features,
        customerAccount: ctx.customerAccount,
      }),
      ctx,
    ),
  );
}

/** Σ quantity × price / base quantity, less each part's discount: the call's unrounded total. */
function partsTotal(parts: readonly ChargePart[]): Decimal {
  return parts.reduce((s, p) => {
    const gross = new Decimal(p.quantity).times(p.price).dividedBy(p.baseQuantity);
    const off = p.discountPercent ? gross.times(p.discountPercent).dividedBy(100) : new Decimal(0);
    return s.plus(gross.minus(off));
  }, new Decimal(0));
}

/** The parts add up to the explanation's unrounded total (shown to 10 decimals), and round to the amount. */
function expectPartsAddUp(o: ReturnType<typeof rated>) {
  const total = partsTotal(o.parts);
  expect(total.toDecimalPlaces(10, Decimal.ROUND_HALF_UP).toFixed()).toBe(o.explanation.unrounded);
  expect(total.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2)).toBe(o.amount);
}

describe('the priced parts of a call', () => {
  it('a contract discount on the time and the connect fee, a per-minute surcharge undiscounted', () => {
    // US_CA: 0.05/min in 6 s steps, connect fee 0.02. 125 s are billed as 126 s:
    //   126 x 0.05 / 60 = 0.105 + 0.02 = 0.125, less 10 % (contract K-1) = 0.1125
    //   transcription 126 x 0.02 / 60 = 0.042 (never discounted); total 0.1545 -> 0.15
    const o = price(
      '+12125550123',
      125,
      { customerAccount: 'C-1', contract: { id: 'K-1', discountPercent: '10' } },
      ['transcription'],
    );
    expect(o.amount).toBe('0.15');
    expect(o.parts).toEqual([
      expect.objectContaining({
        kind: 'usage',
        quantity: '126',
        unitCode: 'SEC',
        price: '0.05',
        baseQuantity: '60',
        discountPercent: '10',
      }),
      expect.objectContaining({
        kind: 'connect_fee',
        quantity: '1',
        unitCode: 'C62',
        price: '0.02',
        baseQuantity: '1',
        discountPercent: '10',
      }),
      {
        kind: 'surcharge',
        feature: 'transcription',
        quantity: '126',
        unitCode: 'SEC',
        price: '0.02',
        baseQuantity: '60',
      },
    ]);
    expect(o.parts[0]!.discountReason).toBeTruthy();
    expect(o.explanation.unrounded).toBe('0.1545');
    expectPartsAddUp(o);
  });

  it('a call at its minimum charge is one part of the minimum, discounted, plus its surcharges', () => {
    // WORLD_B: 30 s billed as the first full minute: 60 x 0.90 / 60 + connect fee 0.20 = 1.10 < 1.50:
    // the minimum 1.50 replaces time and fee; less 10 % = 1.35; streaming 60 x 0.01 / 60 = 0.01;
    // total 1.36
    const o = price(
      '+20212345678',
      30,
      { customerAccount: 'C-1', contract: { id: 'K-1', discountPercent: '10' } },
      ['streaming'],
    );
    expect(o.explanation.minimumApplied).toBe('1.50');
    expect(o.amount).toBe('1.36');
    expect(
      o.parts.map((p) => [p.kind, p.quantity, p.unitCode, p.price, p.baseQuantity, p.discountPercent]),
    ).toEqual([
      ['minimum_charge', '1', 'C62', '1.5', '1', '10'],
      ['surcharge', '60', 'SEC', '0.01', '60', undefined],
    ]);
    expectPartsAddUp(o);
  });

  it('a call over two rates is a part per rate, with a plan discount from the rules', () => {
    // WORLD_B: 0.90/min for the first 600 s, 0.70/min after; 700 s: 9.00 + 1.1666... + 0.20 = 10.3666...
    // less 15 % (plan nonprofit) = 8.8116666... -> 8.81
    const o = price('+20212345678', 700, {
      customerAccount: 'C-2',
      contract: { id: 'K-2', pricePlan: 'nonprofit' },
    });
    expect(o.amount).toBe('8.81');
    expect(o.parts.map((p) => [p.kind, p.quantity, p.price, p.discountPercent])).toEqual([
      ['usage', '600', '0.9', '15'],
      ['usage', '100', '0.7', '15'],
      ['connect_fee', '1', '0.2', '15'],
    ]);
    expectPartsAddUp(o);
  });

  it('a call at its maximum charge is one part of the maximum', () => {
    // WORLD_A: 100 min at 0.35 + 0.10 = 35.10 > the maximum 30.00
    const o = price('+61212345678', 6000, { customerAccount: 'C-1' });
    expect(o.amount).toBe('30.00');
    expect(o.parts).toEqual([
      { kind: 'maximum_charge', quantity: '1', unitCode: 'C62', price: '30', baseQuantity: '1' },
    ]);
    expectPartsAddUp(o);
  });
});

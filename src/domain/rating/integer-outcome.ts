/**
 * The outcome of a call rated on the integer path (./price.ts). Its explanation and parts are built
 * on first read only, yet they must look like own, enumerable properties, so that a copy
 * ({ ...outcome }) and JSON have them.
 *
 * Why a Proxy: own accessors cost a runtime call each per outcome (Object.defineProperty, measured at
 * about a third of a microsecond per property on this machine, the single largest cost of rating a
 * call), and an object literal with getters allocates two closures per call (three times slower
 * still). A Proxy over a plain class instance costs one allocation; reads of the ordinary fields go
 * to the instance untouched (no `get` trap), and only listing the keys or describing a property
 * (spread, JSON, Object.keys) goes through the traps below, which add the two lazy properties.
 */
import type { Cdr } from '../cdr';
import type { CallPlan } from './call-plan';
import type { ChargePart } from './charge-parts';
import { chargeQuantities, type ChargeQuantities } from './charge-quantities';
import type { PreparedCall } from './prepare';
import type { Explanation, RatingOutcome } from './types';

/** How an outcome builds its lazy properties: price.ts supplies them (it knows the pricing). */
export interface LazyBuilders<S> {
  explanation(set: S, amount: string, cdr: Cdr, prep: PreparedCall, plan: CallPlan): Explanation;
  parts(prep: PreparedCall, plan: CallPlan, limit: number): ChargePart[];
}

/** What an outcome builds its explanation and parts from, on first read. */
interface Lazy<S> {
  set: S;
  cdr: Cdr;
  prep: PreparedCall;
  plan: CallPlan;
  limit: number;
  builders: LazyBuilders<S>;
  explanation: Explanation | undefined;
  parts: ChargePart[] | undefined;
}

/** Where an outcome keeps its lazy inputs: a symbol, so neither JSON nor the key list shows it. */
const LAZY = Symbol('lazy');

class IntegerRated<S = unknown> {
  readonly rated = true;
  readonly amount: string;
  readonly currency: string;
  readonly ruleSetHash: string;
  readonly ruleSetVersion: string;
  readonly firedRules: string[];
  readonly [LAZY]: Lazy<S>;

  constructor(amount: string, currency: string, hash: string, version: string, lazy: Lazy<S>) {
    this.amount = amount;
    this.currency = currency;
    this.ruleSetHash = hash;
    this.ruleSetVersion = version;
    this.firedRules = lazy.plan.firedRules;
    this[LAZY] = lazy;
  }

  get explanation(): Explanation {
    const l = this[LAZY];
    return (l.explanation ??= l.builders.explanation(l.set, this.amount, l.cdr, l.prep, l.plan));
  }

  get parts(): ChargePart[] {
    const l = this[LAZY];
    return (l.parts ??= l.builders.parts(l.prep, l.plan, l.limit));
  }

  /** chargeQuantities of the explanation, from the plan the explanation would be built from. */
  quantities(durationSeconds: number): ChargeQuantities {
    const { prep, plan } = this[LAZY];
    return {
      zone: prep.zone ?? '',
      billedSeconds: plan.pieces.length ? plan.pieces.reduce((sum, p) => sum + p.billed, 0) : durationSeconds,
    };
  }
}

/** The keys a rated outcome lists, in the order a plain object of the same fields would. */
const KEYS: readonly string[] = [
  'rated',
  'amount',
  'currency',
  'ruleSetHash',
  'ruleSetVersion',
  'firedRules',
  'explanation',
  'parts',
];

/** Shared and frozen: a Proxy copies what the trap returns. */
const LAZY_DESCRIPTORS: Readonly<Record<string, PropertyDescriptor>> = Object.freeze({
  explanation: Object.freeze({
    enumerable: true,
    configurable: true,
    get(this: IntegerRated) {
      return this.explanation;
    },
  }),
  parts: Object.freeze({
    enumerable: true,
    configurable: true,
    get(this: IntegerRated) {
      return this.parts;
    },
  }),
});

const HANDLER: ProxyHandler<IntegerRated> = {
  ownKeys: () => [...KEYS],
  getOwnPropertyDescriptor(target, key) {
    if (typeof key !== 'string') return undefined; // the lazy inputs stay hidden
    const lazy = LAZY_DESCRIPTORS[key];
    return lazy !== undefined ? lazy : Reflect.getOwnPropertyDescriptor(target, key);
  },
};

/** A rated outcome of the integer path. */
export function integerRated<S>(
  amount: string,
  set: S & { currency: string; hash: string; version: string },
  cdr: Cdr,
  prep: PreparedCall,
  plan: CallPlan,
  limit: number,
  builders: LazyBuilders<S>,
): RatingOutcome {
  const lazy: Lazy<S> = { set, cdr, prep, plan, limit, builders, explanation: undefined, parts: undefined };
  const o = new IntegerRated<S>(amount, set.currency, set.hash, set.version, lazy);
  return new Proxy(o, HANDLER);
}

/** Whether an outcome was priced on the integer path (not by the decimal reference): for tests and benchmarks. */
export function isIntegerPriced(o: RatingOutcome): boolean {
  return o instanceof IntegerRated;
}

/**
 * The zone and billed seconds of a rated call, as chargeQuantities reads them from its explanation;
 * an outcome of the integer path answers from its plan, so storing a charge builds no explanation.
 */
export function ratedQuantities(
  o: Extract<RatingOutcome, { rated: true }>,
  durationSeconds: number,
): ChargeQuantities {
  return o instanceof IntegerRated
    ? (o as IntegerRated).quantities(durationSeconds)
    : chargeQuantities(o.explanation, durationSeconds);
}

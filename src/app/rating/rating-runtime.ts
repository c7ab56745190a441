/**
 * The rule book the service prices with, kept live: loaded at start, reloaded when the rules
 * directory changes. A valid change replaces the book in one assignment (atomic for the next CDR);
 * an invalid one is refused, logged with every violation and remembered for RatingService, and
 * the last good book keeps pricing. Every rule set that goes live is stored first, so each charge
 * can be traced to the exact files that priced it.
 */
import { systemClock, type Clock } from '../clock';
import fs from 'node:fs';
import type { Cdr } from '../../domain/cdr';
import type { RuleBook } from '../../domain/rating/index';
import { loadRuleBook, type LoadResult, type RuleViolation } from '../../rules-files/load';
import type { CdrRater, CustomerPricingFacts, RatingDecision } from '../ingest/ports';
import type { PricingContext, RatingOutcome } from '../../domain/rating/index';

export interface RuleSetSnapshot {
  hash: string;
  name: string;
  version: string;
  effectiveFrom: Date;
  currency: string;
  files: { path: string; sha256: string; content: string }[];
}

export interface RuleSetArchive {
  /** Stores rule sets not seen before (idempotent). */
  save(ruleSets: RuleSetSnapshot[]): Promise<void>;
}

export interface RefusedReload {
  at: Date;
  violations: RuleViolation[];
}

export interface ReloadLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export class RatingRuntime implements CdrRater {
  private book: RuleBook | undefined;
  private loadedAt: Date | undefined;
  private digests = new Map<string, string>();
  private refused: RefusedReload | undefined;
  private reloading: Promise<boolean> = Promise.resolve(true);

  constructor(
    private readonly dir: string,
    private readonly archive: RuleSetArchive,
    private readonly log: ReloadLog,
    private readonly onReload: (result: 'applied' | 'refused') => void = () => {},
    /** When a reload happened, as reported by GetActiveRuleSet. */
    private readonly clock: Clock = systemClock,
  ) {}

  /** The live rule book, when it went live, and the sha256 of each of its files by path. */
  get current(): { book: RuleBook; loadedAt: Date; fileDigests: ReadonlyMap<string, string> } | undefined {
    return this.book && this.loadedAt ? { book: this.book, loadedAt: this.loadedAt, fileDigests: this.digests } : undefined;
  }

  get lastRefused(): RefusedReload | undefined {
    return this.refused;
  }

  /** Loads the directory; true when it went live. Reloads never overlap. */
  reload(): Promise<boolean> {
    this.reloading = this.reloading.then(() => this.loadOnce());
    return this.reloading;
  }

  private async loadOnce(): Promise<boolean> {
    const result = await loadRuleBook(this.dir);
    if (!result.ok) {
      this.refused = { at: this.clock.now(), violations: result.violations };
      this.log.error({ dir: this.dir, violations: result.violations }, 'rule files refused; the last good rule set keeps pricing');
      this.onReload('refused');
      return false;
    }
    const snapshots = snapshotsOf(result);
    await this.archive.save(snapshots);
    this.book = result.book;
    this.digests = new Map(result.files.map((f) => [f.path, f.sha256]));
    this.loadedAt = this.clock.now();
    this.refused = undefined;
    this.log.info({ dir: this.dir, ruleSets: snapshots.map((s) => `${s.name}@${s.version} ${s.hash.slice(0, 12)}`) }, 'rule set live');
    this.onReload('applied');
    return true;
  }

  /** Watches the directory (recursively) and reloads after edits settle. Returns a stop function. */
  watch(debounceMs = 300): () => void {
    let timer: NodeJS.Timeout | undefined;
    const watcher = fs.watch(this.dir, { recursive: true }, () => {
      clearTimeout(timer);
      timer = setTimeout(() => void this.reload(), debounceMs);
    });
    return () => {
      clearTimeout(timer);
      watcher.close();
    };
  }

  rate(cdr: Cdr, customer?: CustomerPricingFacts): RatingDecision {
    if (!this.book) return { rated: false, reason: 'no valid rule set is loaded' };
    return decisionOf(this.book.rate(cdr, pricingContext(cdr, customer)), customer);
  }

  /** "name version" of a live rule set, for texts such as a rerate's reason. */
  describe(hash: string): string | undefined {
    const set = this.book?.sets.find((s) => s.hash === hash);
    return set && `${set.name} ${set.version}`;
  }
}

/** A rating outcome as the decision stored with a CDR, refusing a charge in another currency than the customer's. */
export function decisionOf(outcome: RatingOutcome, customer?: CustomerPricingFacts): RatingDecision {
  if (!outcome.rated) return { rated: false, reason: outcome.reason };
  if (customer && customer.currency !== outcome.currency) {
    // Never convert silently: a charge is in the currency the customer is invoiced in.
    return { rated: false, reason: `the rule set in force prices in ${outcome.currency}, but the customer is billed in ${customer.currency}` };
  }
  return {
    rated: true,
    charge: {
      amount: outcome.amount,
      currency: outcome.currency,
      ruleSetHash: outcome.ruleSetHash,
      firedRules: outcome.firedRules,
      explanation: outcome.explanation,
    },
  };
}

/** The files of a rule set, in the order the archive keeps them. */
export const RULE_SET_PARTS = ['ruleset', 'destinations', 'rates', 'calendar'] as const;

/**
 * What is archived of each rule set: its identity and its files' parsed content (sha256 is of the
 * file text as read, which is what the rule set's content hash is made of).
 */
function snapshotsOf(result: Extract<LoadResult, { ok: true }>): RuleSetSnapshot[] {
  const sha = new Map(result.files.map((f) => [f.path, f.sha256]));
  return result.book.sets.map((set) => ({
    hash: set.hash,
    name: set.name,
    version: set.version,
    effectiveFrom: set.effectiveFrom,
    currency: set.currency,
    files: RULE_SET_PARTS.map((part) => ({
      path: set.source.files[part],
      sha256: sha.get(set.source.files[part]) ?? '',
      content: JSON.stringify(set.source[part], null, 2),
    })),
  }));
}

/** The customer's time zone and the contract valid at the call's start (validFrom <= start < validTo). */
export function pricingContext(cdr: Cdr, customer?: CustomerPricingFacts): PricingContext {
  if (!customer) return { customerAccount: cdr.customerAccount };
  const at = cdr.startTime.getTime();
  const contract = customer.contracts
    .filter((c) => c.validFrom.getTime() <= at && (!c.validTo || at < c.validTo.getTime()))
    .sort((a, b) => b.validFrom.getTime() - a.validFrom.getTime())[0];
  return {
    customerAccount: cdr.customerAccount,
    timeZone: customer.timeZone,
    contract: contract && {
      id: contract.id,
      discountPercent: contract.discountPercent,
      specialPrices: contract.specialPrices,
      pricePlan: contract.pricePlan,
    },
  };
}

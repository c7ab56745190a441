/**
 * The rule book the service prices with, kept live: loaded at start, reloaded when the rules
 * directory changes. A valid change replaces the book in one assignment (atomic for the next CDR);
 * an invalid one is refused, logged with every violation and remembered for RatingService, and
 * the last good book keeps pricing. Every rule set that goes live is stored first, so each charge
 * can be traced to the exact files that priced it.
 */
import { contractAt } from '../../domain/contracts/contract-at';
import { systemClock, type Clock } from '../clock';
import type { Cdr } from '../../domain/cdr';
import {
  RULE_SET_PARTS,
  type PricingContext,
  type RatingOutcome,
  type RuleBook,
  type RuleViolation,
} from '../../domain/rating/index';
import type { CdrRater, CustomerPricingFacts, RatingDecision } from '../ingest/ports';
import { RatedCharge } from './rated-charge';
import type { RuleBookLoad, RuleBookSource, RuleFilesWatch, RuleSetArchive, RuleSetSnapshot } from './ports';

export interface RefusedReload {
  at: Date;
  violations: RuleViolation[];
}

export interface ReloadLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface WatchOptions {
  /** Quiet time after the last file event before the files are compared (ms): an editor's or rsync's burst is one reload. */
  debounceMs?: number;
  /** Period of the content rescan that catches what no file event reported (ms); 0 turns it off. */
  rescanMs?: number;
  /** File events; turn off where the file system sends none (NFS), leaving the rescan. */
  events?: boolean;
}

/** What an operator sees of the live rule book (metrics): what is live, since when, and whether the files on disk agree. */
export interface LiveRuleSetView {
  loadedAt: Date;
  ruleSets: { hash: string; name: string; version: string }[];
  /** False while the files on disk differ from the live ones: a refused change, or one not reloaded yet. */
  filesMatchLive: boolean;
  /** When the files were last compared (a reload, a file event or the rescan). */
  filesCheckedAt: Date | undefined;
}

export class RatingRuntime implements CdrRater {
  private book: RuleBook | undefined;
  private loadedAt: Date | undefined;
  private digests = new Map<string, string>();
  private refused: RefusedReload | undefined;
  private reloading: Promise<boolean> = Promise.resolve(true);
  /** The source's digest of the files at the last finished reload (applied or refused), of the live book, and of the last look. */
  private attemptedDigest: string | undefined;
  private liveDigest: string | undefined;
  private diskDigest: string | undefined;
  private checkedAt: Date | undefined;
  private checking: Promise<void> | undefined;
  private checkAgain = false;

  constructor(
    private readonly source: RuleBookSource,
    private readonly archive: RuleSetArchive,
    private readonly log: ReloadLog,
    private readonly onReload: (result: 'applied' | 'refused') => void = () => {},
    /** When a reload happened, as reported by GetActiveRuleSet. */
    private readonly clock: Clock = systemClock,
  ) {}

  /** The live rule book, when it went live, and the sha256 of each of its files by path. */
  get current(): { book: RuleBook; loadedAt: Date; fileDigests: ReadonlyMap<string, string> } | undefined {
    return this.book && this.loadedAt
      ? { book: this.book, loadedAt: this.loadedAt, fileDigests: this.digests }
      : undefined;
  }

  get lastRefused(): RefusedReload | undefined {
    return this.refused;
  }

  /** For the rule-set gauges (Metrics.observeRuleSets). */
  get liveView(): LiveRuleSetView | undefined {
    if (!this.book || !this.loadedAt) return undefined;
    return {
      loadedAt: this.loadedAt,
      ruleSets: this.book.sets.map((s) => ({ hash: s.hash, name: s.name, version: s.version })),
      filesMatchLive: this.diskDigest === this.liveDigest,
      filesCheckedAt: this.checkedAt,
    };
  }

  /** Loads the rule files; true when it went live. Reloads never overlap, and one that threw does not stop the next. */
  reload(): Promise<boolean> {
    const next = this.reloading.catch(() => false).then(() => this.loadOnce());
    this.reloading = next;
    return next;
  }

  /**
   * Reloads when the rule files differ from those of the last reload, whether it went live or was
   * refused: a broken set is not retried until it changes, and any later change is loaded. Never
   * rejects; concurrent calls share one run (and one more after it, for changes made meanwhile).
   */
  reloadIfChanged(): Promise<void> {
    if (this.checking) {
      this.checkAgain = true;
      return this.checking;
    }
    this.checking = (async () => {
      try {
        do {
          this.checkAgain = false;
          const digest = await this.look();
          if (digest === this.attemptedDigest) continue;
          // A reload that throws (the archive is unreachable) leaves attemptedDigest alone, so the next look retries it.
          await this.reload().catch((e: Error) =>
            this.log.error(
              { dir: this.source.location, err: e.message },
              'rule set reload failed; retrying at the next change or rescan',
            ),
          );
        } while (this.checkAgain);
      } finally {
        this.checking = undefined;
      }
    })();
    return this.checking;
  }

  private async look(): Promise<string> {
    const digest = await this.source.digest();
    this.diskDigest = digest;
    this.checkedAt = this.clock.now();
    return digest;
  }

  private async loadOnce(): Promise<boolean> {
    // Taken before reading: a change made while loading makes the next look differ, so it is loaded too.
    const looked = await this.look();
    const result = await this.source.load();
    // What the load read, when the source says: a file re-saved with the same content while it was
    // read (briefly missing or truncated) must not leave the valid files on disk marked as refused.
    const digest = result.digest ?? looked;
    if (result.digest !== undefined) {
      // the load is the latest look at the files
      this.diskDigest = result.digest;
      this.checkedAt = this.clock.now();
    }
    if (!result.ok) {
      this.attemptedDigest = digest;
      this.refused = { at: this.clock.now(), violations: result.violations };
      this.log.error(
        { dir: this.source.location, violations: result.violations },
        'rule files refused; the last good rule set keeps pricing',
      );
      this.onReload('refused');
      return false;
    }
    const snapshots = snapshotsOf(result);
    await this.archive.save(snapshots);
    this.book = result.book;
    this.digests = new Map(result.files.map((f) => [f.path, f.sha256]));
    this.loadedAt = this.clock.now();
    this.refused = undefined;
    this.attemptedDigest = this.liveDigest = digest;
    this.log.info(
      {
        dir: this.source.location,
        ruleSets: snapshots.map((s) => `${s.name}@${s.version} ${s.hash.slice(0, 12)}`),
      },
      'rule set live',
    );
    this.onReload('applied');
    return true;
  }

  /**
   * Keeps the book in line with the files: file events (settled for debounceMs) and a content
   * rescan every rescanMs both lead to reloadIfChanged, so a change no event reported is live
   * within one rescan. A number is debounceMs, as before. Returns a stop function.
   */
  watch(options: number | WatchOptions = {}): () => void {
    const {
      debounceMs = 300,
      rescanMs = 2000,
      events = true,
    } = typeof options === 'number' ? { debounceMs: options } : options;
    let stopped = false;
    let settle: NodeJS.Timeout | undefined;
    let watcher: RuleFilesWatch | undefined;
    const compare = async () => {
      // Re-open watches first (cheap), so what changes after this look is reported by an event.
      await watcher?.resync();
      if (!stopped) await this.reloadIfChanged();
    };
    if (events) {
      watcher = this.source.watch(() => {
        clearTimeout(settle);
        settle = setTimeout(() => void compare(), debounceMs);
        settle.unref();
      }, this.log);
    }
    const rescan = rescanMs > 0 ? setInterval(() => void compare(), rescanMs) : undefined;
    rescan?.unref();
    // Catches what changed between the last reload and the watches being in place.
    void compare();
    return () => {
      stopped = true;
      clearTimeout(settle);
      clearInterval(rescan);
      watcher?.close();
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

/**
 * A rating outcome as the decision stored with a CDR, refusing a charge in another currency than the
 * customer's (the rule book picks the customer's price list, so this only happens with one explicit
 * rule set of another currency: a rerate or quote by hash).
 */
export function decisionOf(outcome: RatingOutcome, customer?: CustomerPricingFacts): RatingDecision {
  if (!outcome.rated) return { rated: false, reason: outcome.reason };
  if (customer && customer.currency !== outcome.currency) {
    // Never convert silently: a charge is in the currency the customer is invoiced in.
    return {
      rated: false,
      reason: `the rule set in force prices in ${outcome.currency}, but the customer is billed in ${customer.currency}`,
    };
  }
  return { rated: true, charge: new RatedCharge(outcome) };
}

/**
 * What is archived of each rule set: its identity and its files' parsed content (sha256 is of the
 * file text as read, which is what the rule set's content hash is made of).
 */
function snapshotsOf(result: Extract<RuleBookLoad, { ok: true }>): RuleSetSnapshot[] {
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

/**
 * The customer's currency (which picks the price list), time zone and the contract valid at the call's
 * start (validFrom <= start < validTo). Without a customer: list prices.
 */
export function pricingContext(cdr: Cdr, customer?: CustomerPricingFacts): PricingContext {
  if (!customer) return { customerAccount: cdr.customerAccount };
  const contract = contractAt(customer.contracts, cdr.startTime);
  return {
    customerAccount: cdr.customerAccount,
    currency: customer.currency,
    timeZone: customer.timeZone,
    contract: contract && {
      id: contract.id,
      discountPercent: contract.discountPercent,
      specialPrices: contract.specialPrices,
      pricePlan: contract.pricePlan,
    },
  };
}

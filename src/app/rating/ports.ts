/**
 * What rating's use cases and the live RatingRuntime need from outside: the rule files (read,
 * compared and watched by the rule-file adapter, src/rules-files) and the stores of rule sets and
 * charges (src/persistence).
 */
import type { Cdr } from '../../domain/cdr';
import type { RuleBook, RuleViolation } from '../../domain/rating/index';

/** A rule book read from its files: compiled, with each file's sha256, or every violation found. */
export type RuleBookLoad = (
  | { ok: true; book: RuleBook; files: { path: string; sha256: string }[] }
  | { ok: false; violations: RuleViolation[] }
) & {
  /**
   * RuleBookSource.digest of exactly the files this load read, when the source can tell. A file
   * changed while it was being read (an editor saving again) makes it differ from a digest taken
   * before or after, so the runtime judges a reload by what it read, not by what was there before.
   */
  digest?: string;
};

export interface WatcherLog {
  error(obj: object, msg: string): void;
}

/** File events being watched: resync re-opens what the files' shape now needs; close stops all. */
export interface RuleFilesWatch {
  resync(): Promise<void>;
  close(): void;
}

/** Where the live rule book comes from (a rules directory, see rules-files/rule-directory.ts). */
export interface RuleBookSource {
  /** Where the rules are, as logged with every reload. */
  readonly location: string;
  /** Reads, checks and compiles every rule set. Never throws for bad content. */
  load(): Promise<RuleBookLoad>;
  /** One string for the files exactly as load reads them: equal digests, equal files. Never throws. */
  digest(): Promise<string>;
  /** Reports "something may have changed" (deciding whether the rules did is the digest's). */
  watch(onEvent: () => void, log: WatcherLog): RuleFilesWatch;
}

export interface CandidateFile {
  /** Relative to the rules directory, e.g. "standard-2027/rates.json". */
  path: string;
  content: string;
}

/** Loads a rule book from files in hand, exactly as a reload would load them from disk. */
export interface CandidateRuleFiles {
  /** Throws ValidationError for a path that cannot be a rule file. */
  load(files: CandidateFile[]): Promise<RuleBookLoad>;
}

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

export interface RuleSetUsageRow {
  hash: string;
  name: string;
  version: string;
  effectiveFrom: Date;
  firstLoadedAt: Date;
  files: { path: string; sha256: string }[];
  chargeCount: string;
  firstChargeAt?: Date;
  lastChargeAt?: Date;
}

export interface RuleSetHistory {
  /** Every archived rule set with how many current charges it priced, oldest first, keyset-paged. */
  usage(size: number, pageToken?: string): Promise<{ rows: RuleSetUsageRow[]; nextPageToken: string }>;
}

export interface StoredCharge {
  cdr: Cdr;
  /** What the CDR was charged (current charge), if it was rated. */
  charged?: { amount: string; currency: string };
}

export interface BacktestSource {
  /** Calls with start in [from, to), optionally of one customer, in pages. */
  pages(filter: { from: Date; to: Date; customerAccount?: string }): AsyncIterable<StoredCharge[]>;
}

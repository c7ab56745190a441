/**
 * A backtest asked for over the API: a bounded period, a candidate rule set sent as files (or the
 * live one), checked exactly as ValidateRuleSet checks it, then priced against the stored charges.
 * Reads only.
 */
import { FailedPreconditionError, ValidationError } from '../../domain/errors';
import type { RuleBook } from '../../domain/rating/index';
import type { BookingDirectory, CustomerDirectory } from '../ingest/ports';
import { backtest, type BacktestReport } from './backtest';
import type { BacktestSource, CandidateFile, CandidateRuleFiles } from './ports';
import type { RatingRuntime } from './rating-runtime';

export interface BacktestCandidateDeps {
  rating: Pick<RatingRuntime, 'current'>;
  candidates: CandidateRuleFiles;
  backtestSource: BacktestSource;
  customers?: CustomerDirectory;
  /** The bookings CDRs cite (their features are charged as ingest charges them). */
  bookings?: BookingDirectory;
}

export interface BacktestCandidateInput {
  /** Empty: the live rule book is the candidate. */
  files: CandidateFile[];
  from?: Date | undefined;
  to?: Date | undefined;
  customerAccount?: string | undefined;
  /** The longest period one request may cover (the API's input limit). */
  maxSpanDays: number;
}

export async function backtestCandidate(
  deps: BacktestCandidateDeps,
  input: BacktestCandidateInput,
): Promise<BacktestReport & { hashes: string[] }> {
  const { from, to } = input;
  const missing = [
    ...(from ? [] : [{ field: 'start_time', reason: 'required: backtest calls starting at or after it' }]),
    ...(to ? [] : [{ field: 'end_time', reason: 'required: backtest calls starting before it' }]),
  ];
  if (!from || !to) throw new ValidationError(missing);
  if (!(from < to)) throw new ValidationError([{ field: 'end_time', reason: 'must be after start_time' }]);
  if (to.getTime() - from.getTime() > input.maxSpanDays * 86_400_000)
    throw new ValidationError([
      { field: 'end_time', reason: `at most ${input.maxSpanDays} days after start_time; split longer spans` },
    ]);
  const candidate = await candidateBook(deps, input.files);
  const report = await backtest(
    { source: deps.backtestSource, candidate, customers: deps.customers, bookings: deps.bookings },
    { from, to, customerAccount: input.customerAccount || undefined },
  );
  return { ...report, hashes: candidate.sets.map((s) => s.hash) };
}

/** The files' rule book as a reload would load it; a bad candidate is the request's fault. */
async function candidateBook(deps: BacktestCandidateDeps, files: CandidateFile[]): Promise<RuleBook> {
  if (files.length === 0) {
    const live = deps.rating.current;
    if (!live) throw new FailedPreconditionError('no rule set is loaded');
    return live.book;
  }
  const loaded = await deps.candidates.load(files);
  if (loaded.ok) return loaded.book;
  throw new ValidationError(
    loaded.violations.map((v) => {
      const index = files.findIndex((f) => f.path === v.file);
      return {
        field: index >= 0 ? `files[${index}].content` : 'files',
        reason: [v.file, v.jsonPath, v.reason].filter(Boolean).join(': '),
      };
    }),
  );
}

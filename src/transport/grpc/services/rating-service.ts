/**
 * RatingService: quotes with explanations, the rule set in force, its history, candidate checks,
 * and the explanation of a stored charge.
 */
import { quoteCall } from '../../../app/rating/quote-call';
import type { RatingRuntime } from '../../../app/rating/rating-runtime';
import type { Clock } from '../../../app/clock';
import { validateCandidate } from '../../../app/rating/validate-candidate';
import { backtestCandidate } from '../../../app/rating/backtest-candidate';
import type { BacktestLine } from '../../../app/rating/backtest';
import { pageSize } from '../../../app/paging';
import type { BookingDirectory, CustomerDirectory } from '../../../app/ingest/ports';
import type { BacktestSource, CandidateRuleFiles, RuleSetHistory } from '../../../app/rating/ports';
import { FailedPreconditionError, ValidationError } from '../../../domain/errors';
import type { ExplainedCharge } from '../../../app/ingest/explain-charge';
import type { CdrKey } from '../../../domain/cdr';
import {
  RatingServiceDefinition,
  type RatingServiceImplementation,
} from '../../../gen/billing/v1/rating_service';
import { bindService, type ServiceBinding } from '../grpc-server';
import { unimplementedMethods } from '../unimplemented';
import { accessTypeFromProto, featureFromProto } from '../mappers/cdr-mapper';
import { explanationToProto } from '../mappers/explanation-mapper';
import { MAX_BACKTEST_SPAN_DAYS } from '../input-limits/limits';

export interface RatingServiceDeps {
  rating: RatingRuntime;
  /** Every rule set that went live, with the charges it priced. */
  ruleSets: RuleSetHistory;
  candidates: CandidateRuleFiles;
  /** Stored calls with their current charges, for backtests. */
  backtestSource: BacktestSource;
  customers?: CustomerDirectory;
  /** The bookings CDRs cite: a backtest charges their features as ingest does. */
  bookings?: BookingDirectory;
  clock: Clock;
  /** A stored charge's explanation (src/app/ingest/explain-charge.ts). */
  explainCharge(key: CdrKey): Promise<ExplainedCharge>;
}

export function ratingService(deps: RatingServiceDeps): ServiceBinding {
  const implemented: RatingServiceImplementation = {
    async quoteCall(request) {
      const quote = await quoteCall(deps, {
        customerAccount: request.customerAccount || undefined,
        accessType: accessTypeFromProto(request.accessType),
        calledNumber: request.calledNumber || undefined,
        startTime: request.startTime,
        durationSeconds: request.durationSeconds,
        features: request.features.map(featureFromProto),
        participants: request.participants,
        ruleSetHash: request.ruleSetHash || undefined,
      });
      return {
        price: { currencyCode: quote.currency, amount: quote.total },
        pricePerParticipant: { currencyCode: quote.currency, amount: quote.perParticipant },
        explanation: explanationToProto(quote.explanation, quote),
      };
    },

    // Nothing to await; a promise all the same, so a refusal is a rejection like every handler's.
    getActiveRuleSet: (request) => Promise.resolve().then(() => activeRuleSet(deps, request.at)),

    async listRuleSets(request) {
      const page = await deps.ruleSets.usage(pageSize(request.pageSize), request.pageToken);
      return {
        ruleSets: page.rows.map((r) => ({
          ruleSet: {
            ref: { name: r.name, version: r.version, contentHash: r.hash },
            effectiveFrom: r.effectiveFrom,
            loadedAt: r.firstLoadedAt,
            files: r.files,
          },
          firstChargeAt: r.firstChargeAt,
          lastChargeAt: r.lastChargeAt,
          chargeCount: r.chargeCount,
        })),
        nextPageToken: page.nextPageToken,
      };
    },

    async validateRuleSet(request) {
      const result = await validateCandidate(
        deps,
        request.files.map((f) => ({ path: f.path, content: Buffer.from(f.content).toString('utf8') })),
      );
      return { valid: result.valid, violations: result.violations, contentHash: result.hashes.join(',') };
    },

    async backtestRuleSet(request) {
      const report = await backtestCandidate(deps, {
        files: request.files.map((f) => ({ path: f.path, content: Buffer.from(f.content).toString('utf8') })),
        from: request.startTime,
        to: request.endTime,
        customerAccount: request.customerAccount,
        maxSpanDays: MAX_BACKTEST_SPAN_DAYS,
      });
      const money = (m: { amount: string; currency: string } | undefined) =>
        m && { currencyCode: m.currency, amount: m.amount };
      const line = (l: BacktestLine, customerAccount: string) => ({
        customerAccount,
        calls: l.calls,
        charged: money({ amount: l.charged, currency: l.currency }),
        candidate: money({ amount: l.candidate, currency: l.currency }),
        difference: money({ amount: l.difference, currency: l.currency }),
        unpriceable: l.unpriceable,
      });
      return {
        customers: report.lines.map((l) => line(l, l.customerAccount)),
        totals: report.totals.map((l) => line(l, '')),
        comparedCalls: report.counts.compared,
        changedCalls: report.counts.changed,
        unpriceableCalls: report.counts.unpriceable,
        changed: report.firstChanged.map((c) => ({
          bridgeId: c.cdr.bridgeId,
          recordId: c.cdr.recordId,
          customerAccount: c.cdr.customerAccount,
          startTime: c.cdr.startTime,
          charged: money(c.charged),
          candidate: money(c.candidate),
          summary: c.summary,
        })),
        contentHash: report.hashes.join(','),
      };
    },

    async explainCharge(request) {
      const bridgeId = request.cdrKey?.bridgeId ?? '';
      const recordId = request.cdrKey?.recordId ?? '';
      const missing = [
        ...(bridgeId ? [] : [{ field: 'cdr_key.bridge_id', reason: 'required' }]),
        ...(recordId ? [] : [{ field: 'cdr_key.record_id', reason: 'required' }]),
      ];
      if (missing.length) throw new ValidationError(missing);
      const charge = await deps.explainCharge({ bridgeId, recordId });
      return {
        customerAccount: charge.cdr.customerAccount,
        amount: { currencyCode: charge.currency, amount: charge.amount },
        explanation: explanationToProto(charge.explanation, charge),
      };
    },
  };
  return bindService(RatingServiceDefinition, {
    ...unimplementedMethods(RatingServiceDefinition),
    ...implemented,
  });
}

/** The rule set in force at `at` (default: now), as GetActiveRuleSet reports it, with the last refused reload. */
function activeRuleSet(deps: RatingServiceDeps, requestedAt: Date | undefined) {
  const current = deps.rating.current;
  const refused = deps.rating.lastRefused;
  const lastRefusedReload = refused && {
    attemptedAt: refused.at,
    contentHash: '',
    violations: refused.violations,
  };
  if (!current) {
    if (refused) return { ruleSet: undefined, lastRefusedReload };
    throw new FailedPreconditionError('no rule set is loaded');
  }
  const at = requestedAt ?? deps.clock.now();
  const set = current.book.ruleSetAt(at);
  if (!set) throw new FailedPreconditionError(`no rule set is in force at ${at.toISOString()}`);
  return {
    ruleSet: {
      ref: { name: set.name, version: set.version, contentHash: set.hash },
      effectiveFrom: set.effectiveFrom,
      loadedAt: current.loadedAt,
      files: Object.values(set.source.files).map((path) => ({
        path,
        sha256: current.fileDigests.get(path) ?? '',
      })),
    },
    lastRefusedReload,
  };
}

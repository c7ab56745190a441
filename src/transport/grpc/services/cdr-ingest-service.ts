/**
 * CdrIngestService: the bridge's channel. Each batch is validated, priced and committed before its
 * acknowledgement is sent; the stream reads the next batch only after that (flow control: a slow
 * database makes the bridge wait, and memory stays bounded by one batch in hand plus the transport's
 * small read buffer).
 */
import { ServerError, Status, type CallContext } from 'nice-grpc';
import { ingestCdrs, type IngestDeps } from '../../../app/ingest/ingest-cdrs';
import { retryUnrated, type UnratedFilter, type UnratedQueue } from '../../../app/ingest/retry-unrated';
import { pageSize } from '../../../app/paging';
import type { TimeRange } from '../../../gen/billing/v1/common';
import { ValidationError } from '../../../domain/errors';
import {
  CdrIngestServiceDefinition,
  type CdrIngestServiceImplementation,
  type StreamCdrsRequest,
  type StreamCdrsResponse,
  type SubmitCdrsRequest,
} from '../../../gen/billing/v1/cdr_ingest_service';
import type { Cdr as ProtoCdr } from '../../../gen/billing/v1/cdr';
import type { Metrics } from '../../../observability/metrics';
import type { ServiceBinding } from '../grpc-server';
import { unimplementedMethods } from '../unimplemented';
import { cdrDraftFromProto, cdrResultToProto, cdrToProto, countOutcomes } from '../mappers/cdr-mapper';
import { RatingStatus, CdrOutcome } from '../../../gen/billing/v1/cdr';

export const MAX_CDRS_PER_BATCH = 1000;

export interface CdrIngestServiceDeps {
  ingest: IngestDeps;
  unrated: UnratedQueue;
  metrics: Metrics;
  /** Aborted when the server begins a graceful shutdown. */
  draining: AbortSignal;
}

function checkBatchSize(cdrs: ProtoCdr[], field: string): void {
  if (cdrs.length === 0) throw new ValidationError([{ field, reason: 'a batch needs at least one CDR' }]);
  if (cdrs.length > MAX_CDRS_PER_BATCH) {
    throw new ValidationError([{ field, reason: `a batch holds at most ${MAX_CDRS_PER_BATCH} CDRs, got ${cdrs.length}` }]);
  }
}

export function cdrIngestService(deps: CdrIngestServiceDeps): ServiceBinding {
  async function ingestBatch(cdrs: ProtoCdr[]) {
    const results = await ingestCdrs(cdrs.map(cdrDraftFromProto), deps.ingest);
    const counts = countOutcomes(results);
    for (const outcome of ['accepted', 'duplicate', 'conflict', 'rejected'] as const) {
      if (counts[outcome]) deps.metrics.cdrsIngested.inc({ outcome }, counts[outcome]);
    }
    return { results: results.map(cdrResultToProto), counts };
  }

  const implemented: Partial<CdrIngestServiceImplementation> = {
    async *streamCdrs(requests: AsyncIterable<StreamCdrsRequest>, context: CallContext): AsyncIterable<StreamCdrsResponse> {
      for await (const request of requests) {
        const batch = request.batch;
        if (!batch) throw new ValidationError([{ field: 'batch', reason: 'required' }]);
        checkBatchSize(batch.cdrs, 'batch.cdrs');
        // Committed before the acknowledgement exists; a cancelled call simply gets no ack and the
        // bridge resends, which the database turns into duplicates.
        const acked = await ingestBatch(batch.cdrs);
        if (context.signal.aborted) return;
        yield { sequence: batch.sequence, ...acked };
        if (deps.draining.aborted) {
          // Graceful shutdown: end the stream after the last committed batch; the bridge reconnects.
          throw new ServerError(Status.UNAVAILABLE, 'server is shutting down; reconnect and resend unacknowledged batches');
        }
      }
    },
    async submitCdrs(request: SubmitCdrsRequest) {
      checkBatchSize(request.cdrs, 'cdrs');
      return ingestBatch(request.cdrs);
    },
    async listUnratedCdrs(request) {
      const page = await deps.unrated.list(filterOf(request), pageSize(request.pageSize), request.pageToken);
      return {
        unratedCdrs: page.rows.map((r) => ({
          cdr: cdrToProto(r.cdr),
          unratedReason: r.reason,
          receivedAt: r.receivedAt,
          lastAttemptAt: r.lastAttemptAt ?? r.receivedAt,
          attempts: r.attempts,
        })),
        nextPageToken: page.nextPageToken,
        totalCount: page.total,
      };
    },
    async retryUnratedCdrs(request) {
      const report = await retryUnrated({ ...filterOf(request), keys: request.cdrKeys.length ? request.cdrKeys : undefined }, {
        ...deps.ingest,
        queue: deps.unrated,
      });
      return {
        retriedCount: report.retried,
        ratedCount: report.rated,
        stillUnratedCount: report.stillUnrated.length,
        results: report.stillUnrated.slice(0, 100).map(({ cdr, reason }) => ({
          bridgeId: cdr.bridgeId,
          recordId: cdr.recordId,
          outcome: CdrOutcome.CDR_OUTCOME_ACCEPTED,
          violations: [],
          ratingStatus: RatingStatus.RATING_STATUS_UNRATED,
          unratedReason: reason,
          charge: undefined,
          ruleSetHash: '',
        })),
      };
    },
  };

  return {
    definition: CdrIngestServiceDefinition,
    implementation: { ...unimplementedMethods(CdrIngestServiceDefinition), ...implemented },
  };
}

function filterOf(request: { customerAccount: string; bridgeId: string; startTimeRange?: TimeRange }): UnratedFilter {
  return {
    customerAccount: request.customerAccount || undefined,
    bridgeId: request.bridgeId || undefined,
    startFrom: request.startTimeRange?.startTime,
    startTo: request.startTimeRange?.endTime,
  };
}

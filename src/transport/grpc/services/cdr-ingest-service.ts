/**
 * CdrIngestService: the bridge's channel. Each batch is validated, priced and committed before its
 * acknowledgement is sent, in order. A stream prices the next batch while one commits, and reads no
 * further until that commit is done (flow control: a slow database makes the bridge wait, and memory
 * stays bounded by two batches in hand plus the transport's small read buffer). A bridge token writes only under its own bridge ids: a batch holding another
 * bridge's CDR is refused whole, before anything of it is stored.
 */
import { ServerError, Status, type CallContext } from 'nice-grpc';
import { BatchSequences } from '../../../app/ingest/batch-sequences';
import {
  ingestCdrsOnce,
  prepareCdrs,
  storePrepared,
  type CdrResult,
  type KeyedIngestDeps,
  type PreparedBatch,
} from '../../../app/ingest/ingest-cdrs';
import { requestKey } from '../../../app/mutations';
import type { Principal } from '../../../auth/token-store';
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
import { bindService, type ServiceBinding } from '../grpc-server';
import { unimplementedMethods } from '../unimplemented';
import { principalOf, requireBridgeAccess, type AuthContext } from '../middleware/authentication';
import { cdrDraftFromProto, cdrResultToProto, cdrToProto, countOutcomes } from '../mappers/cdr-mapper';
import { RatingStatus, CdrOutcome } from '../../../gen/billing/v1/cdr';

export interface CdrIngestServiceDeps {
  /** A store that keeps request keys too: SubmitCdrs is idempotent by its request_id. */
  ingest: KeyedIngestDeps;
  unrated: UnratedQueue;
  metrics: Metrics;
  /** Aborted when the server begins a graceful shutdown. */
  draining: AbortSignal;
}

/** The upper bound (MAX_CDRS_PER_BATCH) is the input limits' business, checked before decoding. */
function checkBatchSize(cdrs: ProtoCdr[], field: string): void {
  if (cdrs.length === 0) throw new ValidationError([{ field, reason: 'a batch needs at least one CDR' }]);
}

/** PERMISSION_DENIED naming the first CDR whose (non-empty) bridge_id the caller may not write; an empty one is REJECTED later like any invalid field. */
function checkBridges(principal: Principal, cdrs: ProtoCdr[], field: string): void {
  cdrs.forEach((cdr, i) => {
    if (cdr.bridgeId) requireBridgeAccess(principal, cdr.bridgeId, `${field}[${i}].bridge_id`);
  });
}

/** The checks of a stream's batch before pricing: present, a new sequence, not empty, own bridges only. */
function checkedBatch(
  request: StreamCdrsRequest,
  sequences: BatchSequences,
  principal: Principal,
): NonNullable<StreamCdrsRequest['batch']> {
  const batch = request.batch;
  if (!batch) throw new ValidationError([{ field: 'batch', reason: 'required' }]);
  if (!sequences.claim(BigInt(batch.sequence))) {
    throw new ValidationError([
      {
        field: 'batch.sequence',
        reason: `${batch.sequence} was already used on this stream; number each batch of a stream differently (a counter)`,
      },
    ]);
  }
  checkBatchSize(batch.cdrs, 'batch.cdrs');
  checkBridges(principal, batch.cdrs, 'batch.cdrs');
  return batch;
}

export function cdrIngestService(deps: CdrIngestServiceDeps): ServiceBinding {
  /** The acknowledgement of a batch; a replayed one was counted when it was first stored. */
  function acknowledge(results: CdrResult[], replayed = false) {
    const counts = countOutcomes(results);
    if (!replayed) {
      for (const outcome of ['accepted', 'duplicate', 'conflict', 'rejected'] as const) {
        if (counts[outcome]) deps.metrics.cdrsIngested.inc({ outcome }, counts[outcome]);
      }
    }
    return { results: results.map(cdrResultToProto), counts };
  }

  const implemented: Partial<CdrIngestServiceImplementation<AuthContext>> = {
    async *streamCdrs(
      requests: AsyncIterable<StreamCdrsRequest>,
      context: CallContext & AuthContext,
    ): AsyncIterable<StreamCdrsResponse> {
      const principal = principalOf(context);
      const sequences = new BatchSequences();
      // Two batches in hand at most: one committing, the next one priced while it commits
      // Commits run one after the other and each acknowledgement is sent
      // after its own commit, in order. Reading stops while both slots are full (flow control).
      const reader = requests[Symbol.asyncIterator]();
      let reading: Promise<IteratorResult<StreamCdrsRequest>> | undefined;
      let ended = false;
      let committing: Promise<StreamCdrsResponse> | undefined;
      let prepared: { sequence: string; batch: PreparedBatch } | undefined;
      for (;;) {
        if (!committing && prepared) {
          const { sequence, batch } = prepared;
          prepared = undefined;
          // Committed before the acknowledgement exists; a cancelled call simply gets no ack and the
          // bridge resends, which the database turns into duplicates.
          committing = storePrepared(deps.ingest, batch).then((results) => ({
            sequence,
            ...acknowledge(results),
          }));
          // Its failure is handled where it is awaited; this only keeps it from counting as unhandled
          // while the next batch is being read or priced.
          committing.catch(() => undefined);
        }
        if (!prepared && !ended && !reading) reading = reader.next();
        if (!committing && !reading) return;
        const event = await Promise.race([
          ...(committing ? [committing.then((ack) => ({ ack }))] : []),
          ...(reading && !prepared ? [reading.then((read) => ({ read }))] : []),
        ]);
        if ('ack' in event) {
          committing = undefined;
          if (context.signal.aborted) return;
          yield event.ack;
          if (deps.draining.aborted) {
            // Graceful shutdown: end the stream after the last committed batch (a priced one not yet
            // committed is dropped unacknowledged); the bridge reconnects and resends it.
            throw new ServerError(
              Status.UNAVAILABLE,
              'server is shutting down; reconnect and resend unacknowledged batches',
            );
          }
          continue;
        }
        reading = undefined;
        if (event.read.done) {
          ended = true;
          continue;
        }
        try {
          const batch = checkedBatch(event.read.value, sequences, principal);
          prepared = {
            sequence: batch.sequence,
            batch: await prepareCdrs(deps.ingest, batch.cdrs.map(cdrDraftFromProto)),
          };
        } catch (error) {
          // A bad batch ends the stream, but the one before it is committing: acknowledge it first.
          if (committing) {
            const ack = await committing;
            if (!context.signal.aborted) yield ack;
          }
          throw error;
        }
      }
    },
    async submitCdrs(request: SubmitCdrsRequest, context: CallContext & AuthContext) {
      checkBatchSize(request.cdrs, 'cdrs');
      checkBridges(principalOf(context), request.cdrs, 'cdrs');
      // The request id makes a retry answer the first result instead of DUPLICATE for every CDR.
      const key = requestKey('CdrIngestService.SubmitCdrs', request.requestId, request.cdrs);
      const { results, replayed } = await ingestCdrsOnce(
        deps.ingest,
        key,
        request.cdrs.map(cdrDraftFromProto),
      );
      return acknowledge(results, replayed);
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
      const report = await retryUnrated(
        { ...deps.ingest, queue: deps.unrated },
        { ...filterOf(request), keys: request.cdrKeys.length ? request.cdrKeys : undefined },
      );
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

  return bindService(CdrIngestServiceDefinition, {
    ...unimplementedMethods(CdrIngestServiceDefinition),
    ...implemented,
  });
}

function filterOf(request: {
  customerAccount: string;
  bridgeId: string;
  startTimeRange?: TimeRange;
}): UnratedFilter {
  return {
    customerAccount: request.customerAccount || undefined,
    bridgeId: request.bridgeId || undefined,
    startFrom: request.startTimeRange?.startTime,
    startTo: request.startTimeRange?.endTime,
  };
}

/**
 * CdrIngestService: the bridge's channel. Each batch is validated, priced and committed before its
 * acknowledgement is sent, in order. While a group of batches commits, the stream reads and prices
 * the batches behind it and commits them together when it is done (group-commit-queue.ts). It
 * stops reading at STREAM_READ_AHEAD_CDRS in hand (flow control: a slow database makes the bridge
 * wait, and memory stays bounded by two full batches and the transport's small read buffer).
 * A bridge token writes only under its own bridge ids: a batch holding another bridge's CDR is
 * refused whole, before anything of it is stored.
 */
import { ServerError, Status, type CallContext } from 'nice-grpc';
import { BatchSequences } from '../../../app/ingest/batch-sequences';
import { ingestCdrsOnce, type CdrResult, type KeyedIngestDeps } from '../../../app/ingest/ingest-cdrs';
import { GroupCommitQueue, type GroupOutcome } from '../../../app/ingest/group-commit-queue';
import { onceAcross, requestKey, type RequestLedger } from '../../../app/mutations';
import type { Principal } from '../../../auth/token-store';
import { retryUnrated, type UnratedFilter, type UnratedQueue } from '../../../app/ingest/retry-unrated';
import { pageSize } from '../../../app/paging';
import type { TimeRange } from '../../../gen/billing/v1/common';
import { ValidationError } from '../../../domain/errors';
import {
  CdrIngestServiceDefinition,
  RetryUnratedCdrsResponse,
  type CdrIngestServiceImplementation,
  type StreamCdrsRequest,
  type StreamCdrsResponse,
  type SubmitCdrsRequest,
} from '../../../gen/billing/v1/cdr_ingest_service';
import type { Cdr as ProtoCdr } from '../../../gen/billing/v1/cdr';
import type { Metrics } from '../../../observability/metrics';
import { bindService, type ServiceBinding } from '../grpc-server';
import { STREAM_READ_AHEAD_CDRS } from '../input-limits/limits';
import { unimplementedMethods } from '../unimplemented';
import { principalOf, requireBridgeAccess, type AuthContext } from '../middleware/authentication';
import { cdrDraftFromProto, cdrResultToProto, cdrToProto, countOutcomes } from '../mappers/cdr-mapper';
import { RatingStatus, CdrOutcome } from '../../../gen/billing/v1/cdr';

export interface CdrIngestServiceDeps {
  /** A store that keeps request keys too: SubmitCdrs is idempotent by its request_id. */
  ingest: KeyedIngestDeps;
  unrated: UnratedQueue;
  /** RetryUnratedCdrs' request keys (it commits in more than one transaction). */
  requests: RequestLedger;
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

/**
 * Whether a stream reads its next batch: while it holds fewer than STREAM_READ_AHEAD_CDRS, or
 * exactly that many all committing (a full batch gets the next one priced during its commit). So
 * it holds two full batches at most, and a stream of batches of 500 commits them one at a time as
 * before group commit (groups of 1,000 measured a little slower there).
 */
function roomToRead(committingCdrs: number, queue: GroupCommitQueue<string>): boolean {
  const held = committingCdrs + queue.cdrs;
  return queue.isEmpty ? held <= STREAM_READ_AHEAD_CDRS : held < STREAM_READ_AHEAD_CDRS;
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
      // Batches in hand: one group committing, the batches read and priced behind it (`queue`).
      // Groups commit one after the other, and each batch's acknowledgement is sent after its
      // group's commit, in order. Reading stops at STREAM_READ_AHEAD_CDRS in hand (roomToRead).
      const reader = requests[Symbol.asyncIterator]();
      let reading: Promise<IteratorResult<StreamCdrsRequest>> | undefined;
      let ended = false;
      const queue = new GroupCommitQueue<string>(deps.ingest);
      let committing: Promise<GroupOutcome<string>> | undefined;
      let committingCdrs = 0;
      const commitQueued = () => {
        committingCdrs = queue.cdrs;
        // Committed before the acknowledgements exist; a cancelled call simply gets no ack and the
        // bridge resends, which the database turns into duplicates.
        const outcome = queue.commitAll();
        // Its failure is handled where it is awaited; this only keeps it from counting as unhandled
        // while the next batches are being read or priced.
        outcome.catch(() => undefined);
        return outcome;
      };
      // Graceful shutdown while the stream waits for the bridge's next batch (nothing committing,
      // nothing queued): end it at once instead of holding the drain until its timeout cancels it.
      let onDrain: (() => void) | undefined;
      const drained = new Promise<{ drained: true }>((resolve) => {
        onDrain = () => resolve({ drained: true });
        if (deps.draining.aborted) onDrain();
        else deps.draining.addEventListener('abort', onDrain, { once: true });
      });
      const acksOf = (outcome: GroupOutcome<string>) =>
        outcome.committed.map(({ tag, results }) => ({ sequence: tag, ...acknowledge(results) }));
      try {
        for (;;) {
          if (!committing && !queue.isEmpty) committing = commitQueued();
          if (!ended && !reading && roomToRead(committingCdrs, queue)) reading = reader.next();
          if (!committing && !reading) return;
          const event = await Promise.race([
            ...(committing ? [committing.then((outcome) => ({ outcome }))] : []),
            ...(reading ? [reading.then((read) => ({ read }))] : []),
            // Not while a group commits: its acknowledgements go out first (the 'outcome' branch).
            ...(committing ? [] : [drained]),
          ]);
          if ('drained' in event) {
            throw new ServerError(
              Status.UNAVAILABLE,
              'server is shutting down; reconnect and resend unacknowledged batches',
            );
          }
          if ('outcome' in event) {
            [committing, committingCdrs] = [undefined, 0];
            if (context.signal.aborted) return;
            yield* acksOf(event.outcome);
            // A batch that could not be priced ends the stream after the batches before it.
            if (event.outcome.failure) throw event.outcome.failure.error;
            if (deps.draining.aborted) {
              // Graceful shutdown: end the stream after the last committed group (batches priced
              // but not committed are dropped unacknowledged); the bridge reconnects and resends them.
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
            queue.add(batch.sequence, batch.cdrs.map(cdrDraftFromProto));
          } catch (error) {
            // A bad batch ends the stream, but every batch before it is committed and acknowledged
            // first: the group committing, then the batches read behind it.
            const before = committing ? [await committing] : [];
            if (!queue.isEmpty && !before[0]?.failure) before.push(await commitQueued());
            if (!context.signal.aborted) for (const outcome of before) yield* acksOf(outcome);
            const failure = before.find((o) => o.failure)?.failure;
            throw failure ? failure.error : error;
          }
        }
      } finally {
        if (onDrain) deps.draining.removeEventListener('abort', onDrain);
      }
    },
    async submitCdrs(request: SubmitCdrsRequest, context: CallContext & AuthContext) {
      checkBatchSize(request.cdrs, 'cdrs');
      const principal = principalOf(context);
      checkBridges(principal, request.cdrs, 'cdrs');
      // The request id makes a retry answer the first result instead of DUPLICATE for every CDR.
      // Per caller: another bridge's request ids neither block this one's nor show through.
      const key = requestKey('CdrIngestService.SubmitCdrs', request.requestId, request.cdrs, {
        caller: principal.name,
      });
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
      // A retry is idempotent by itself (only unrated CDRs are priced, once), so its request key
      // lives beside it (RequestLedger) and only makes a retried call answer the first result.
      const key = requestKey('CdrIngestService.RetryUnratedCdrs', request.requestId, request);
      const retry = async (): Promise<RetryUnratedCdrsResponse> => {
        const report = await retryUnrated(
          { ...deps.ingest, queue: deps.unrated },
          { ...filterOf(request), keys: request.cdrKeys.length ? request.cdrKeys : undefined },
        );
        return {
          retriedCount: report.retried,
          ratedCount: report.rated,
          stillUnratedCount: report.stillUnrated.length,
          results: report.byKey
            ? report.byKey.map(cdrResultToProto)
            : report.stillUnrated.slice(0, 100).map(({ cdr, reason }) => ({
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
      };
      return onceAcross(deps.requests, key, retry, {
        encode: (response) => RetryUnratedCdrsResponse.toJSON(response),
        decode: (stored) => Promise.resolve(RetryUnratedCdrsResponse.fromJSON(stored)),
      });
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

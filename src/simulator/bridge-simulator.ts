/**
 * A conference bridge as the service sees it: streams CDR batches on one long-lived StreamCdrs
 * call, keeps a bounded window of unacknowledged batches, and after a broken stream (the service
 * restarting, its database away: UNAVAILABLE, or the connection lost) reconnects with exponential
 * backoff and resends every batch that was not acknowledged. An acknowledged batch is never sent
 * again; an unacknowledged one may have been committed, and the service answers its resend with
 * DUPLICATE, so nothing is lost and nothing is stored twice.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from 'nice-grpc';
import type { Cdr, CdrResult } from '../gen/billing/v1/cdr';
import type { CdrIngestServiceDefinition, StreamCdrsRequest } from '../gen/billing/v1/cdr_ingest_service';
import { backoffDelay, isRetryable, StalledStreamError } from './reconnect-policy';

export interface SimulatorOptions {
  batchSize?: number;
  /** Unacknowledged batches in flight on the stream at most. */
  window?: number;
  /** CDRs per second to send at most; undefined = as fast as acknowledgements allow. */
  ratePerSecond?: number;
  /** First pause before reconnecting; it doubles (with jitter) after each attempt that made no progress. */
  reconnectDelayMs?: number;
  /** Longest pause between reconnects. */
  maxReconnectDelayMs?: number;
  /** Give up after this many broken streams in a row without progress. */
  maxReconnects?: number;
  /** Abandon a stream and reconnect when batches are outstanding and no acknowledgement came for this long. */
  stallTimeoutMs?: number;
  signal?: AbortSignal;
  /** Called for every acknowledgement, with the time from send to ack. */
  onAck?: (results: CdrResult[], latencyMs: number) => void;
  /** Called for every broken stream, with the pause before the next attempt. */
  onDisconnect?: (error: unknown, nextDelayMs: number) => void;
}

export interface SimulatorReport {
  acknowledged: number;
  results: CdrResult[];
  reconnects: number;
}

type StreamOptions = SimulatorOptions & { window: number; stallTimeoutMs: number };

export class BridgeSimulator {
  constructor(private readonly client: Client<typeof CdrIngestServiceDefinition>) {}

  /** Sends every CDR until each is acknowledged (accepted, duplicate, conflict or rejected). */
  async sendAll(cdrs: Cdr[], options: SimulatorOptions = {}): Promise<SimulatorReport> {
    const batchSize = options.batchSize ?? 500;
    const pending = new Map<number, Cdr[]>();
    for (let i = 0, seq = 1; i < cdrs.length; i += batchSize, seq++)
      pending.set(seq, cdrs.slice(i, i + batchSize));
    const results = new Map<number, CdrResult[]>();
    const streamOptions: StreamOptions = {
      ...options,
      window: options.window ?? 4,
      stallTimeoutMs: options.stallTimeoutMs ?? 120_000,
    };
    let reconnects = 0;
    let fruitless = 0;

    while (pending.size > 0) {
      options.signal?.throwIfAborted();
      const before = pending.size;
      try {
        await this.streamOnce(pending, results, streamOptions);
      } catch (error) {
        options.signal?.throwIfAborted();
        // A refusal (bad token, invalid batch) comes back the same however often it is sent.
        if (!isRetryable(error)) throw error;
        fruitless = pending.size < before ? 0 : fruitless + 1;
        if (fruitless > (options.maxReconnects ?? 30)) throw error;
        const delay = backoffDelay(
          fruitless,
          options.reconnectDelayMs ?? 100,
          options.maxReconnectDelayMs ?? 5_000,
        );
        options.onDisconnect?.(error, delay);
        reconnects += 1;
        await sleep(delay, undefined, { signal: options.signal });
      }
    }
    const ordered = [...results.keys()].sort((a, b) => a - b).flatMap((seq) => results.get(seq)!);
    return { acknowledged: ordered.length, results: ordered, reconnects };
  }

  /** One stream: sends the pending batches in order within the window; returns when each is acknowledged, throws when the stream breaks. */
  private async streamOnce(
    pending: Map<number, Cdr[]>,
    results: Map<number, CdrResult[]>,
    options: StreamOptions,
  ): Promise<void> {
    const toSend = [...pending.keys()].sort((a, b) => a - b);
    const sentAt = new Map<number, number>();
    let acked = 0;
    // Set when the call is over, so the request generator stops waiting and ends instead of hanging.
    let ended = false;
    let wake: (() => void) | undefined;
    const waitForAck = () => new Promise<void>((resolve) => (wake = resolve));
    const notify = () => {
      const resolve = wake;
      wake = undefined;
      resolve?.();
    };

    const call = new AbortController();
    const abortCall = () => call.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', abortCall, { once: true });
    let stalled = false;
    const watchdog = new StallWatchdog(
      options.stallTimeoutMs,
      () => sentAt.size > acked,
      () => {
        stalled = true;
        call.abort(new StalledStreamError(options.stallTimeoutMs));
      },
    );

    const started = Date.now();
    let sentCdrs = 0;
    async function* requests(): AsyncIterable<StreamCdrsRequest> {
      for (const seq of toSend) {
        while (!ended && sentAt.size - acked >= options.window) await waitForAck();
        if (ended) return;
        if (options.ratePerSecond) {
          const due = started + (sentCdrs / options.ratePerSecond) * 1000;
          if (due > Date.now())
            await sleep(due - Date.now(), undefined, { signal: call.signal }).catch(() => undefined);
          if (ended) return;
        }
        const cdrs = pending.get(seq)!;
        sentAt.set(seq, Date.now());
        sentCdrs += cdrs.length;
        watchdog.touch();
        yield { batch: { sequence: String(seq), cdrs } };
      }
      // Keep the request side open until every batch sent on this stream is acknowledged.
      while (!ended && acked < sentAt.size) await waitForAck();
    }

    try {
      for await (const ack of this.client.streamCdrs(requests(), { signal: call.signal })) {
        const seq = Number(ack.sequence);
        if (!sentAt.has(seq) || !pending.has(seq)) continue;
        pending.delete(seq);
        results.set(seq, ack.results);
        acked += 1;
        watchdog.touch();
        options.onAck?.(ack.results, Date.now() - sentAt.get(seq)!);
        notify();
      }
    } catch (error) {
      if (stalled) throw new StalledStreamError(options.stallTimeoutMs);
      throw error;
    } finally {
      ended = true;
      notify();
      watchdog.stop();
      options.signal?.removeEventListener('abort', abortCall);
    }
    if (toSend.some((seq) => pending.has(seq))) {
      // The server closed the stream without an error before acknowledging everything: resend.
      throw new Error(`stream ended with ${pending.size} batches unacknowledged`);
    }
  }
}

/** Fires when something is outstanding and nothing happened (a send or an ack) for `ms`. */
class StallWatchdog {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ms: number,
    private readonly outstanding: () => boolean,
    private readonly fire: () => void,
  ) {}

  touch(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => (this.outstanding() ? this.fire() : this.touch()), this.ms);
    this.timer.unref();
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

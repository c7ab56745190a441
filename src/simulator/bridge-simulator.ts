/**
 * A conference bridge as the service sees it: streams CDR batches on one long-lived StreamCdrs
 * call, keeps a bounded window of unacknowledged batches, and after a broken stream reconnects and
 * resends every batch that was not acknowledged. An acknowledged batch is never sent again.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from 'nice-grpc';
import type { Cdr, CdrResult } from '../gen/billing/v1/cdr';
import type { CdrIngestServiceDefinition, StreamCdrsRequest } from '../gen/billing/v1/cdr_ingest_service';

export interface SimulatorOptions {
  batchSize?: number;
  /** Unacknowledged batches in flight on the stream at most. */
  window?: number;
  /** CDRs per second to send at most; undefined = as fast as acknowledgements allow. */
  ratePerSecond?: number;
  /** Pause before reconnecting after a broken stream. */
  reconnectDelayMs?: number;
  /** Give up after this many broken streams in a row without progress. */
  maxReconnects?: number;
  signal?: AbortSignal;
  /** Called for every acknowledgement, with the time from send to ack. */
  onAck?: (results: CdrResult[], latencyMs: number) => void;
  onDisconnect?: (error: unknown) => void;
}

export interface SimulatorReport {
  acknowledged: number;
  results: CdrResult[];
  reconnects: number;
}

export class BridgeSimulator {
  constructor(private readonly client: Client<typeof CdrIngestServiceDefinition>) {}

  /** Sends every CDR until each is acknowledged (accepted, duplicate, conflict or rejected). */
  async sendAll(cdrs: Cdr[], options: SimulatorOptions = {}): Promise<SimulatorReport> {
    const batchSize = options.batchSize ?? 500;
    const window = options.window ?? 4;
    const pending = new Map<number, Cdr[]>();
    for (let i = 0, seq = 1; i < cdrs.length; i += batchSize, seq++) pending.set(seq, cdrs.slice(i, i + batchSize));
    const results = new Map<number, CdrResult[]>();
    let reconnects = 0;
    let fruitless = 0;

    while (pending.size > 0) {
      options.signal?.throwIfAborted();
      const before = pending.size;
      try {
        await this.streamOnce(pending, results, { ...options, window, batchSize });
      } catch (error) {
        options.signal?.throwIfAborted();
        options.onDisconnect?.(error);
        reconnects += 1;
        fruitless = pending.size < before ? 0 : fruitless + 1;
        if (fruitless > (options.maxReconnects ?? 30)) throw error;
        await sleep(options.reconnectDelayMs ?? 200);
      }
    }
    const ordered = [...results.keys()].sort((a, b) => a - b).flatMap((seq) => results.get(seq)!);
    return { acknowledged: ordered.length, results: ordered, reconnects };
  }

  private async streamOnce(
    pending: Map<number, Cdr[]>,
    results: Map<number, CdrResult[]>,
    options: SimulatorOptions & { window: number; batchSize: number },
  ): Promise<void> {
    const sentAt = new Map<number, number>();
    let wake: (() => void) | undefined;
    const started = Date.now();
    let sentCdrs = 0;
    const toSend = [...pending.keys()].sort((a, b) => a - b);

    async function* requests(): AsyncIterable<StreamCdrsRequest> {
      for (const seq of toSend) {
        while (sentAt.size - countAcked() >= options.window) await new Promise<void>((r) => (wake = r));
        if (options.ratePerSecond) {
          const due = started + (sentCdrs / options.ratePerSecond) * 1000;
          if (due > Date.now()) await sleep(due - Date.now());
        }
        const cdrs = pending.get(seq)!;
        sentAt.set(seq, Date.now());
        sentCdrs += cdrs.length;
        yield { batch: { sequence: String(seq), cdrs } };
      }
      // Keep the request side open until every batch sent on this stream is acknowledged.
      while (countAcked() < sentAt.size) await new Promise<void>((r) => (wake = r));
    }
    let acked = 0;
    const countAcked = () => acked;

    for await (const ack of this.client.streamCdrs(requests(), { signal: options.signal })) {
      const seq = Number(ack.sequence);
      if (!pending.has(seq)) continue;
      pending.delete(seq);
      results.set(seq, ack.results);
      acked += 1;
      options.onAck?.(ack.results, Date.now() - (sentAt.get(seq) ?? Date.now()));
      wake?.();
    }
    if (toSend.some((seq) => pending.has(seq))) {
      throw new Error(`stream ended with ${pending.size} batches unacknowledged`);
    }
  }
}

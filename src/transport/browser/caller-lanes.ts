/**
 * One loopback connection per caller. The gRPC server allows each HTTP/2 connection
 * `maxConcurrentStreams` calls at once and queues the rest, so on one shared connection a single
 * token's idle watches would hold every other console user's calls. Each caller (its
 * authorization header, already accepted by the time a call gets here) gets its own connection,
 * and at most half of it for streaming calls, so its own short calls always find room.
 */
import { createHash } from 'node:crypto';
import type { Transport } from '@connectrpc/connect';

/** A connection to this process's gRPC server (loopback-transport.ts). */
export interface Connection {
  transport: Transport;
  close(): void;
}

/** A call's place on its caller's connection; `leave` once the call has ended. */
export interface Lane {
  transport: Transport;
  leave(): void;
}

interface CallerConnection {
  connection: Connection;
  calls: number;
  streams: number;
}

/** Connections without a call in flight that are kept open for their caller's next call. */
const IDLE_CONNECTIONS_KEPT = 32;

export class CallerLanes {
  private readonly callers = new Map<string, CallerConnection>();

  /**
   * `maxConcurrentStreams`: the gRPC server's limit per connection; a caller may have half of
   * it (at least one) in streaming calls.
   */
  constructor(
    private readonly connect: () => Connection,
    maxConcurrentStreams: number,
  ) {
    this.maxStreamsPerCaller = Math.max(1, Math.floor(maxConcurrentStreams / 2));
  }

  readonly maxStreamsPerCaller: number;

  /** A lane for one call, or undefined when the caller already has its streaming calls' worth. */
  enter(authorization: string, streaming: boolean): Lane | undefined {
    const key = createHash('sha256').update(authorization).digest('hex');
    let caller = this.callers.get(key);
    if (caller && streaming && caller.streams >= this.maxStreamsPerCaller) return undefined;
    if (!caller) {
      this.closeIdleBeyond(IDLE_CONNECTIONS_KEPT - 1);
      caller = { connection: this.connect(), calls: 0, streams: 0 };
      this.callers.set(key, caller);
    }
    const entered = caller;
    entered.calls += 1;
    if (streaming) entered.streams += 1;
    let left = false;
    return {
      transport: entered.connection.transport,
      leave: () => {
        if (left) return;
        left = true;
        entered.calls -= 1;
        if (streaming) entered.streams -= 1;
      },
    };
  }

  close(): void {
    for (const caller of this.callers.values()) caller.connection.close();
    this.callers.clear();
  }

  /** Closes the oldest idle connections until at most `kept` idle ones remain. */
  private closeIdleBeyond(kept: number): void {
    const idle = [...this.callers].filter(([, caller]) => caller.calls === 0);
    for (const [key, caller] of idle.slice(0, Math.max(0, idle.length - kept))) {
      caller.connection.close();
      this.callers.delete(key);
    }
  }
}

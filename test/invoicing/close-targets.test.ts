/**
 * Closing chunks side by side: when one chunk fails, no worker starts another chunk, and the close
 * answers the failure only after the chunks already running have ended, so nothing is written
 * after the caller has its answer. The unit of work here is an in-memory one; the real one's
 * transactions are covered by the invoicing tests on both databases.
 */
import { describe, expect, it } from 'vitest';
import { closeTargets } from '../../src/app/invoicing/close-targets';
import type { CloseTransaction, CloseUnitOfWork } from '../../src/app/invoicing/close-ports';
import type { BillingCustomer, CloseTarget } from '../../src/app/invoicing/ports';
import { november } from './fixtures';

/** Customers per closing transaction in close-targets.ts. */
const CHUNK = 1000;

const targets: CloseTarget[] = Array.from({ length: 4 * CHUNK }, (_, i) => ({
  customer: { account: `C-${String(i).padStart(5, '0')}` } as BillingCustomer,
  period: november,
}));

/** Resolves after the event loop has run everything that was ready (I/O callbacks included). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('closeTargets', () => {
  it('stops starting chunks after a failure, and answers it once the running chunks ended', async () => {
    const started: string[] = [];
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    let reportFailure!: () => void;
    const failedOnce = new Promise<void>((resolve) => (reportFailure = resolve));
    let firstChunkEnded = false;

    /** Chunk 0 waits at the gate while chunk 1 fails; the chunk is known by its first account. */
    class ChunkTransaction implements CloseTransaction {
      private first = '';
      claimPeriods(ts: CloseTarget[]) {
        this.first = ts[0]!.customer.account;
        started.push(this.first);
        return Promise.resolve(new Set(ts.map((t) => t.customer.account)));
      }
      invoicesOfPeriods() {
        return Promise.resolve(new Map<string, string>());
      }
      allocateInvoiceIds(n: number) {
        return Promise.resolve(Array.from({ length: n }, (_, i) => String(i + 1)));
      }
      async claimCharges() {
        if (this.first === 'C-01000') {
          reportFailure();
          throw new Error('the database went away');
        }
        if (this.first === 'C-00000') await gate;
        return new Map();
      }
      release() {
        return Promise.resolve();
      }
      insertInvoices() {
        if (this.first === 'C-00000') firstChunkEnded = true;
        return Promise.resolve();
      }
    }
    const closing: CloseUnitOfWork = {
      parallelism: 2,
      withTransaction: (work) => work(new ChunkTransaction()),
    };
    const store = { transaction: () => Promise.reject(new Error('nothing is issued here')) };

    let settled = false;
    const close = closeTargets(
      { closing, store, build: () => ({ kind: 'empty' }) },
      { targets, series: 'INV' },
    ).finally(() => (settled = true));
    close.catch(() => undefined);

    await failedOnce;
    for (let i = 0; i < 10; i++) await settle();
    // Chunk 0 is still running: the close has not answered yet.
    expect(settled).toBe(false);
    openGate();
    await expect(close).rejects.toThrow('the database went away');
    expect(firstChunkEnded).toBe(true);
    // Chunks 2 and 3 were never started: the worker that ran chunk 0 stopped after it.
    expect(started.sort()).toEqual(['C-00000', 'C-01000']);
  });
});

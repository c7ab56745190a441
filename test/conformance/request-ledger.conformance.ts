/** What every RequestLedger (request keys of multi-transaction mutations) must do. */
import { describe, expect, it } from 'vitest';
import type { RequestLedger } from '../../src/app/mutations';
import { FailedPreconditionError } from '../../src/domain/errors';
import { key } from './fixtures';

export function runRequestLedgerConformance(makeLedger: () => RequestLedger): void {
  describe('RequestLedger', () => {
    it('claims a new key, then replays the first completed response', async () => {
      const ledger = makeLedger();
      const k = key({ period: '2026-11' });
      expect(await ledger.claim(k)).toEqual({});
      await ledger.complete(k, { closed: 3 });
      await ledger.complete(k, { closed: 99 });
      expect(await ledger.claim(k)).toEqual({ response: { closed: 3 } });
    });

    it('lets an unfinished claim run again, and a released one be claimed anew', async () => {
      const ledger = makeLedger();
      const k = key({ period: '2026-12' });
      expect(await ledger.claim(k)).toEqual({});
      expect(await ledger.claim(k)).toEqual({});
      await ledger.release(k);
      expect(await ledger.claim(k)).toEqual({});
      await ledger.release(k);
      await ledger.complete(k, 'late but kept');
      expect(await ledger.claim(k)).toEqual({ response: 'late but kept' });
    });

    it('refuses the same request id with a different request', async () => {
      const ledger = makeLedger();
      const k = key({ a: 1 });
      await ledger.claim(k);
      await expect(ledger.claim(key({ a: 2 }, k.requestId))).rejects.toThrow(FailedPreconditionError);
      await ledger.complete(k, 1);
      await ledger.release(k);
      expect(await ledger.claim(k)).toEqual({ response: 1 });
    });
  });
}

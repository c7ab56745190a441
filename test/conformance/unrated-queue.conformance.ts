/** What every UnratedQueue (unrated CDRs waiting, visible, to be priced again) must do. */
import { describe, expect, it } from 'vitest';
import type { CdrStore } from '../../src/app/ingest/ports';
import type { UnratedCdrRow, UnratedFilter, UnratedQueue } from '../../src/app/ingest/retry-unrated';
import type { RuleSetArchive, RuleSetHistory } from '../../src/app/rating/ports';
import { ValidationError } from '../../src/domain/errors';
import { archivedHash, cdr, rated, toStore, unrated } from './cdr-fixtures';
import { unique } from './fixtures';
import { history } from './rule-set-archive.conformance';

async function listAll(queue: UnratedQueue, filter: UnratedFilter, size: number) {
  const seen: UnratedCdrRow[] = [];
  const totals = new Set<number>();
  let token: string | undefined;
  do {
    const page = await queue.list(filter, size, token);
    expect(page.rows.length).toBeLessThanOrEqual(size);
    totals.add(page.total);
    seen.push(...page.rows);
    token = page.nextPageToken || undefined;
  } while (token);
  return { seen, totals: [...totals] };
}

export function runUnratedQueueConformance(
  make: () => { queue: UnratedQueue; cdrs: CdrStore; archive: RuleSetArchive & RuleSetHistory },
): void {
  describe('UnratedQueue', () => {
    /** Unrated CDRs of one bridge, one batch each so their ids follow this order. */
    async function stored(cdrs: CdrStore, account: string, bridgeId: string, starts: string[]) {
      const calls = starts.map((s) => cdr(account, `${s}T10:00:00.000Z`, { bridgeId }));
      for (const [i, c] of calls.entries()) await cdrs.insertBatch([toStore(c, unrated(`reason ${i}`))]);
      return calls;
    }

    it('lists unrated CDRs by start then id, with their reason, a total and page tokens', async () => {
      const { queue, cdrs, archive } = make();
      const [account, bridgeId] = [unique('cust'), unique('bridge')];
      const calls = await stored(cdrs, account, bridgeId, [
        '2026-10-03',
        '2026-10-01',
        '2026-10-02',
        '2026-10-02',
        '2026-10-05',
      ]);
      await cdrs.insertBatch([
        toStore(
          cdr(account, '2026-10-01T09:00:00.000Z', { bridgeId }),
          rated(await archivedHash(archive), '1'),
        ),
      ]);
      const { seen, totals } = await listAll(queue, { bridgeId }, 2);
      expect(seen.map((r) => r.cdr)).toEqual([calls[1], calls[2], calls[3], calls[0], calls[4]]);
      expect(totals).toEqual([5]);
      expect(seen[0]).toEqual({
        id: expect.any(String) as string,
        cdr: calls[1],
        reason: 'reason 1',
        receivedAt: expect.any(Date) as Date,
        lastAttemptAt: undefined,
        // Ingest's own pricing was the first attempt.
        attempts: 1,
      });
      expect(new Set(seen.map((r) => r.id)).size).toBe(5);
      const last = await queue.list({ bridgeId }, 5);
      expect(last.nextPageToken).toBe('');
      await expect(queue.list({ bridgeId }, 2, 'forged-token-forged-token-xx')).rejects.toThrow(
        ValidationError,
      );
    });

    it('filters by customer, bridge, start range and keys', async () => {
      const { queue, cdrs } = make();
      const [account, bridgeId] = [unique('cust'), unique('bridge')];
      const calls = await stored(cdrs, account, bridgeId, ['2026-10-01', '2026-10-02', '2026-10-03']);
      const other = await stored(cdrs, unique('cust'), bridgeId, ['2026-10-02']);
      const cdrsOf = async (filter: UnratedFilter) => {
        const page = await queue.list(filter, 10);
        expect(page.total).toBe(page.rows.length);
        return page.rows.map((r) => r.cdr);
      };
      expect(await cdrsOf({ customerAccount: account })).toEqual(calls);
      expect(await cdrsOf({ bridgeId })).toEqual([calls[0], calls[1], other[0], calls[2]]);
      const range = {
        startFrom: new Date('2026-10-02T10:00:00.000Z'),
        startTo: new Date('2026-10-03T10:00:00.000Z'),
      };
      expect(await cdrsOf({ bridgeId, ...range })).toEqual([calls[1], other[0]]);
      const keys = [calls[2]!, other[0]!, cdr(account, '2026-10-01T00:00:00.000Z')];
      expect(await cdrsOf({ keys })).toEqual([other[0], calls[2]]);
      expect(await cdrsOf({ customerAccount: account, keys })).toEqual([calls[2]]);
      expect(await cdrsOf({ customerAccount: unique('nobody') })).toEqual([]);
    });

    it('takes up to a limit of the matching CDRs to retry', async () => {
      const { queue, cdrs } = make();
      const [account, bridgeId] = [unique('cust'), unique('bridge')];
      const calls = await stored(cdrs, account, bridgeId, ['2026-10-03', '2026-10-01', '2026-10-02']);
      const some = await queue.take({ bridgeId }, 2);
      expect(some).toHaveLength(2);
      const all = await queue.take({ customerAccount: account }, 10);
      expect(all.map((r) => r.cdr).sort((a, b) => a.recordId.localeCompare(b.recordId))).toEqual(
        [...calls].sort((a, b) => a.recordId.localeCompare(b.recordId)),
      );
      expect(all.map((r) => r.id)).toEqual(expect.arrayContaining(some.map((r) => r.id)));
      expect((await queue.take({ keys: [calls[1]!] }, 10)).map((r) => r.cdr)).toEqual([calls[1]]);
      expect(await queue.take({ bridgeId: unique('bridge') }, 10)).toEqual([]);
    });

    it('records decisions: a priced CDR leaves the queue charged once, even when retries race', async () => {
      const { queue, cdrs, archive } = make();
      const [account, bridgeId] = [unique('cust'), unique('bridge')];
      await stored(cdrs, account, bridgeId, ['2026-10-01', '2026-10-02', '2026-10-03']);
      const hash = await archivedHash(archive);
      const [first, second, third] = await queue
        .take({ bridgeId }, 10)
        .then((rows) => [...rows].sort((a, b) => a.cdr.startTime.getTime() - b.cdr.startTime.getTime()));
      const priced = (r: UnratedCdrRow) => ({
        id: r.id,
        cdr: r.cdr,
        decision: rated(hash, '1'),
        pricedWith: {},
      });
      const done = await queue.record([
        priced(first!),
        { id: second!.id, cdr: second!.cdr, decision: unrated('still no rate'), pricedWith: {} },
      ]);
      expect(done).toEqual(new Set([first!.id]));
      const left = await queue.list({ bridgeId }, 10);
      expect(left.rows.map((r) => r.id)).toEqual([second!.id, third!.id]);
      expect(left.rows[0]).toMatchObject({
        reason: 'still no rate',
        attempts: 2,
        lastAttemptAt: expect.any(Date) as Date,
      });
      expect(await queue.record([priced(first!)])).toEqual(new Set());
      expect(await queue.record([])).toEqual(new Set());
      const raced = await Promise.all([queue.record([priced(third!)]), queue.record([priced(third!)])]);
      expect(raced.map((s) => s.size).sort()).toEqual([0, 1]);
      expect((await queue.list({ bridgeId }, 10)).rows.map((r) => r.id)).toEqual([second!.id]);
      const usage = (await history(archive, 100)).find((r) => r.hash === hash);
      expect(usage?.chargeCount).toBe('2');
    });
  });
}

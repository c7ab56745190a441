/**
 * What every IdempotentCdrStore (ingest's batches of CDRs and their charges) must do. Charges are
 * read back as invoicing reads them (running totals), since that is who relies on their columns.
 */
import Decimal from 'decimal.js';
import { describe, expect, it } from 'vitest';
import type { CustomerStore } from '../../src/app/customers/ports';
import type { IdempotentCdrStore, StoreOutcome } from '../../src/app/ingest/ports';
import type { InvoiceStore, RunningSpan, RunningTotalsRow } from '../../src/app/invoicing/ports';
import type { RuleSetArchive } from '../../src/app/rating/ports';
import { FailedPreconditionError } from '../../src/domain/errors';
import { archivedHash, cdr, rated, toStore, unrated } from './cdr-fixtures';
import { customerInput, key } from './fixtures';

type Reads = Pick<InvoiceStore, 'runningTotals' | 'unratedCount'>;

/** 2026-10-07 in Stockholm, read from the charges themselves or from the daily totals. */
const DAY_FROM_CHARGES: RunningSpan = {
  fromLocalDate: '2026-10-07',
  untilLocalDate: '2026-10-07',
  untilDayStart: new Date('2026-10-06T22:00:00.000Z'),
  until: new Date('2026-10-07T22:00:00.000Z'),
};
const DAY_FROM_TOTALS: RunningSpan = {
  fromLocalDate: '2026-10-07',
  untilLocalDate: '2026-10-08',
  untilDayStart: new Date('2026-10-07T22:00:00.000Z'),
  until: new Date('2026-10-07T22:00:00.000Z'),
};

/** Money compared as decimals: the scale a database answers with is not the contract. */
const totals = async (reads: Reads, account: string, span = DAY_FROM_CHARGES) =>
  (await reads.runningTotals(account, span)).map((r: RunningTotalsRow) => ({
    ...r,
    amount: new Decimal(r.amount).toFixed(2),
  }));

export function runCdrStoreConformance(
  make: () => { cdrs: IdempotentCdrStore; archive: RuleSetArchive; customers: CustomerStore; reads: Reads },
): void {
  describe('CdrStore', () => {
    async function customer(customers: CustomerStore) {
      const c = customerInput();
      await customers.upsertCustomer(c, 0, key());
      return c.externalId;
    }

    it('stores a batch once: the same bridge and record id again is a duplicate and changes nothing', async () => {
      const { cdrs, archive, customers, reads } = make();
      const [account, hash] = [await customer(customers), await archivedHash(archive)];
      const calls = [cdr(account, '2026-10-07T08:00:00.000Z'), cdr(account, '2026-10-07T09:00:00.000Z')];
      const rows = calls.map((c) => toStore(c, rated(hash, '1.25', { zone: 'SE', billedSeconds: [60] })));
      expect(await cdrs.insertBatch(rows)).toEqual([{ inserted: true }, { inserted: true }]);
      const before = await totals(reads, account);
      expect(before).toMatchObject([{ calls: 2, amount: '2.50' }]);
      const again = await cdrs.insertBatch(rows);
      expect(again).toEqual(
        rows.map((r) => ({ inserted: false, storedFingerprint: r.fingerprint, stored: r.cdr })),
      );
      const changed = rows.map((r) => toStore({ ...r.cdr, durationSeconds: 999 }, rated(hash, '100')));
      expect(await cdrs.insertBatch(changed)).toEqual(
        rows.map((r) => ({ inserted: false, storedFingerprint: r.fingerprint, stored: r.cdr })),
      );
      expect(await totals(reads, account)).toEqual(before);
    });

    it('keeps every instant to the millisecond, and an absent answer time absent', async () => {
      const { cdrs, archive, customers } = make();
      const [account, hash] = [await customer(customers), await archivedHash(archive)];
      const calls = [
        cdr(account, '2026-10-07T08:00:00.123Z', { endTime: new Date('2026-10-07T08:01:30.999Z') }),
        cdr(account, '2026-10-07T08:00:00.001Z', {
          answerTime: undefined,
          endTime: new Date('2026-10-07T08:00:59.500Z'),
        }),
      ];
      const rows = calls.map((c) => toStore(c, rated(hash, '1.25')));
      expect(await cdrs.insertBatch(rows)).toEqual([{ inserted: true }, { inserted: true }]);
      // What is stored comes back on a resend: equal Dates, to the millisecond, and no answer time.
      expect(await cdrs.insertBatch(rows)).toEqual(
        rows.map((r) => ({ inserted: false, storedFingerprint: r.fingerprint, stored: r.cdr })),
      );
    });

    it('stores a record sent twice in one batch once, and answers the second copy against the first', async () => {
      const { cdrs, archive, customers, reads } = make();
      const [account, hash] = [await customer(customers), await archivedHash(archive)];
      const call = cdr(account, '2026-10-07T08:00:00.000Z');
      const first = toStore(call, rated(hash, '1.25', { zone: 'SE', billedSeconds: [60] }));
      const copy = toStore({ ...call, durationSeconds: 999 }, rated(hash, '100'));
      expect(await cdrs.insertBatch([first, copy])).toEqual([
        { inserted: true },
        { inserted: false, storedFingerprint: first.fingerprint, stored: first.cdr },
      ]);
      expect(await totals(reads, account)).toMatchObject([{ calls: 1, amount: '1.25' }]);
    });

    it('answers each row of a mixed batch in its order, and racing batches store a CDR once', async () => {
      const { cdrs, archive, customers, reads } = make();
      const [account, hash] = [await customer(customers), await archivedHash(archive)];
      const old = toStore(cdr(account, '2026-10-07T08:00:00.000Z'), rated(hash, '1'));
      await cdrs.insertBatch([old]);
      const fresh = [1, 2].map(() => toStore(cdr(account, '2026-10-07T10:00:00.000Z'), rated(hash, '1')));
      const outcomes = await cdrs.insertBatch([fresh[0]!, old, fresh[1]!]);
      expect(outcomes.map((o) => o.inserted)).toEqual([true, false, true]);
      expect(await cdrs.insertBatch([])).toEqual([]);
      const shared = [1, 2, 3].map(() => toStore(cdr(account, '2026-10-07T11:00:00.000Z'), rated(hash, '1')));
      const [a, b] = await Promise.all([cdrs.insertBatch(shared), cdrs.insertBatch([...shared].reverse())]);
      const reversed = [...b].reverse();
      expect(shared.map((_, i) => [a[i]!.inserted, reversed[i]!.inserted].filter(Boolean).length)).toEqual([
        1, 1, 1,
      ]);
      expect(await totals(reads, account)).toMatchObject([{ calls: 6, amount: '6.00' }]);
    });

    it('stores each charge with its zone and billed seconds, and unrated CDRs without a charge', async () => {
      const { cdrs, archive, customers, reads } = make();
      const [account, hash] = [await customer(customers), await archivedHash(archive)];
      await cdrs.insertBatch([
        // Billed seconds are the bands' (after increments), not the call's duration...
        toStore(
          cdr(account, '2026-10-07T08:00:00.000Z', { durationSeconds: 65 }),
          rated(hash, '1.25', { zone: 'SE-mobile', billedSeconds: [60, 30] }),
        ),
        toStore(
          cdr(account, '2026-10-07T09:00:00.000Z', { durationSeconds: 50 }),
          rated(hash, '2.75', { zone: 'SE-mobile', billedSeconds: [60] }),
        ),
        // ...and a call priced without bands counts its duration; no zone is "".
        toStore(
          cdr(account, '2026-10-07T10:00:00.000Z', { durationSeconds: 300, accessType: 'local_dial_in' }),
          rated(hash, '0.5'),
        ),
        toStore(cdr(account, '2026-10-07T11:00:00.000Z'), unrated('no rate for +99')),
      ]);
      const expected = [
        {
          accessType: 'dial_out',
          zone: 'SE-mobile',
          currency: 'SEK',
          calls: 2,
          billedSeconds: '150',
          amount: '4.00',
        },
        {
          accessType: 'local_dial_in',
          zone: '',
          currency: 'SEK',
          calls: 1,
          billedSeconds: '300',
          amount: '0.50',
        },
      ];
      expect(await totals(reads, account, DAY_FROM_CHARGES)).toEqual(expected);
      expect(await totals(reads, account, DAY_FROM_TOTALS)).toEqual(expected);
      expect(await reads.unratedCount(account, DAY_FROM_CHARGES.untilDayStart, DAY_FROM_CHARGES.until)).toBe(
        1,
      );
    });

    it('inserts at most once per request key and answers a retry with the stored reply', async () => {
      const { cdrs, archive, customers, reads } = make();
      const [account, hash] = [await customer(customers), await archivedHash(archive)];
      const rows = [toStore(cdr(account, '2026-10-07T08:00:00.000Z'), rated(hash, '3'))];
      const k = key({ batch: rows.map((r) => r.cdr.recordId) });
      let replies = 0;
      const reply = (outcomes: StoreOutcome[]) => ({
        reply: ++replies,
        inserted: outcomes.map((o) => o.inserted),
      });
      expect(await cdrs.insertBatchOnce(k, rows, reply)).toEqual({ reply: 1, inserted: [true] });
      expect(await cdrs.insertBatchOnce(k, rows, reply)).toEqual({ reply: 1, inserted: [true] });
      expect(replies).toBe(1);
      await expect(cdrs.insertBatchOnce(key({ other: true }, k.requestId), rows, reply)).rejects.toThrow(
        FailedPreconditionError,
      );
      expect(await totals(reads, account)).toMatchObject([{ calls: 1, amount: '3.00' }]);
      // Another key is another request: its rows are duplicates now.
      expect(await cdrs.insertBatchOnce(key(), rows, (o) => o.map((x) => x.inserted))).toEqual([false]);
    });

    it('claims the key of an empty batch all the same', async () => {
      const { cdrs } = make();
      const k = key({ batch: [] });
      expect(await cdrs.insertBatchOnce(k, [], (outcomes) => ({ accepted: outcomes.length }))).toEqual({
        accepted: 0,
      });
      expect(await cdrs.insertBatchOnce(k, [], () => ({ accepted: -1 }))).toEqual({ accepted: 0 });
    });

    it('keeps neither the batch nor its key when the reply fails', async () => {
      const { cdrs, archive, customers, reads } = make();
      const [account, hash] = [await customer(customers), await archivedHash(archive)];
      const rows = [toStore(cdr(account, '2026-10-07T08:00:00.000Z'), rated(hash, '1'))];
      const k = key({ failing: true });
      await expect(
        cdrs.insertBatchOnce(k, rows, () => {
          throw new Error('reply failed');
        }),
      ).rejects.toThrow('reply failed');
      expect(await totals(reads, account)).toEqual([]);
      expect(await cdrs.insertBatchOnce(k, rows, (o) => o.map((x) => x.inserted))).toEqual([true]);
    });
  });
}

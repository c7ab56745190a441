/**
 * A claim committed after a closing transaction took its snapshot (another closer's, a rerate's
 * tombstone) is invisible to its anti-join, so its plain INSERT of the claims hits the claims' key
 * (src/persistence/close-claims.ts): that must retry the chunk whole with a fresh snapshot, never
 * fail the close and never claim a charge twice. On PostgreSQL (REPEATABLE READ, where the race is).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/app/clock';
import { periodOptionsAt } from '../../src/app/invoicing/build';
import type { CloseTarget } from '../../src/app/invoicing/ports';
import { periodContaining } from '../../src/domain/periods/index';
import { PostgresCloseUnitOfWork } from '../../src/persistence/close-unit-of-work';
import { PostgresInvoiceStore } from '../../src/persistence/invoice-store';
import { startTestService, type TestService } from '../support/test-service';
import { insertCharges, insertCustomers, knexOf, rowsOf } from '../invoicing-service/support';

const ACCOUNT = 'claim-race-1';

describe.runIf(Boolean(process.env.DATABASE_URL))(
  'a claim committed after the close took its snapshot',
  () => {
    let t: TestService;

    beforeAll(async () => {
      t = await startTestService({
        clock: new FixedClock(new Date('2026-11-28T12:00:00Z')),
        env: { BILLING_CLOSE_INTERVAL_MS: '0' },
      });
      await insertCustomers(t.service.database, [{ account: ACCOUNT, currency: 'SEK' }]);
      await insertCharges(
        t.service.database,
        [1, 2, 3].map((d) => ({
          account: ACCOUNT,
          start: `2026-09-0${d}T10:00:00Z`,
          seconds: 60 * d,
          amount: `${d}.25`,
        })),
      );
    }, 60_000);

    afterAll(async () => {
      await t?.stop();
    });

    it('retries the chunk and claims only the charges nobody else claimed', async () => {
      const db = t.service.database;
      const knex = knexOf(db);
      const [customer] = await new PostgresInvoiceStore(db).customers([ACCOUNT]);
      const reference = new Date('2026-09-15T12:00:00Z');
      const target: CloseTarget = {
        customer: customer!,
        period: periodContaining(reference, periodOptionsAt(customer!, reference)),
      };
      const [taken] = await rowsOf<{ id: string }>(
        knex.raw(`select min(id)::text as id from charges where customer_account = ?`, [ACCOUNT]),
      );
      let attempts = 0;
      const groups = await new PostgresCloseUnitOfWork(db).withTransaction(async (tx) => {
        attempts++;
        // The first statement takes the snapshot; then a tombstone for one charge commits elsewhere.
        expect(await tx.claimPeriods([target])).toEqual(new Set([ACCOUNT]));
        if (attempts === 1)
          await knex.raw(`insert into charge_claims (charge_id, invoice_id) values (?, null)`, [taken!.id]);
        const [invoiceId] = await tx.allocateInvoiceIds(1);
        return tx.claimCharges([{ target, invoiceId: invoiceId! }]);
      });
      expect(attempts).toBe(2);
      const calls = (groups.get(ACCOUNT) ?? []).reduce((n, g) => n + g.calls, 0);
      expect(calls).toBe(2);
      const claims = await rowsOf<{ charge_id: string; invoice_id: string | null }>(
        knex.raw(
          `select k.charge_id::text, k.invoice_id::text from charge_claims k join charges c on c.id = k.charge_id
         where c.customer_account = ? order by k.charge_id`,
          [ACCOUNT],
        ),
      );
      expect(claims).toHaveLength(3);
      expect(claims.filter((c) => c.invoice_id === null).map((c) => c.charge_id)).toEqual([taken!.id]);
    }, 60_000);
  },
);

/**
 * Two replicas (two `billing serve` processes on one database). Replica A starts closing a period
 * for 300 customers (issue=true) and is killed with SIGKILL in the middle of it, at a random moment
 * (seeded, printed) within the time a close takes here; replica B then closes the same period and
 * finishes it; A, started again, sends its request again. Every customer with charges ends with one
 * issued invoice for the period, both replicas answer the same invoices, and numbers have no gaps.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ClientError, Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvoiceServiceDefinition, InvoiceStatus } from '../../src/gen/billing/v1/invoice_service';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { recordFault } from './support/fault-report';
import { checkInvariants } from './support/invariants';
import { startKillableService, writeTokensFile, type KillableService } from './support/killable-service';
import { seededRandom } from './support/seeded-random';
import {
  cdrsForMonths,
  createCustomersInParallel,
  customersWithCharges,
  ingest,
  invoicesOfPeriod,
} from './support/workload-data';

const CUSTOMERS = Array.from({ length: 300 }, (_, i) => `KILL-P${String(i).padStart(3, '0')}`);
const CALIBRATION_MONTH = '2026-06';
const KILLED_MONTHS = ['2026-07', '2026-08', '2026-09'];
const CDRS_PER_MONTH = 1_500;

describe.runIf(Boolean(process.env.DATABASE_URL))('two replicas, one killed mid-close', () => {
  let database: TestDatabase;
  let a: KillableService;
  let b: KillableService;

  beforeAll(async () => {
    database = await createTestDatabase();
    const tokens = writeTokensFile(database.dataDir);
    // One after the other: both would apply the migrations of the fresh database at once.
    a = await startKillableService({ databaseUrl: database.databaseUrl!, tokens });
    b = await startKillableService({ databaseUrl: database.databaseUrl!, tokens });
    await createCustomersInParallel(a, CUSTOMERS);
    await ingest(
      a,
      cdrsForMonths('bridge-1', CUSTOMERS, [CALIBRATION_MONTH, ...KILLED_MONTHS], CDRS_PER_MONTH),
    );
  }, 300_000);

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await database?.drop();
  });

  it('the other replica finishes the period: all customers invoiced once, no double invoices', async () => {
    const random = seededRandom('kill-replica-close');
    const close = (replica: KillableService, month: string, requestId: string) =>
      replica.client(InvoiceServiceDefinition, 'billing').closeBillingPeriod({
        requestId,
        customerAccount: '',
        periodContaining: new Date(`${month}-15T12:00:00Z`),
        issue: true,
      });

    const began = performance.now();
    await close(b, CALIBRATION_MONTH, `b-close-${CALIBRATION_MONTH}`);
    const closeMs = performance.now() - began;

    let expected = 0;
    let present = 0;
    let missing = 0;
    let duplicated = 0;
    const cut: string[] = [];
    for (const month of KILLED_MONTHS) {
      const onA = close(a, month, `a-close-${month}`).then(
        () => 'answered',
        (error: unknown) => (error instanceof ClientError ? Status[error.code] : String(error)),
      );
      await sleep(random.between(0.1, 0.9) * closeMs);
      await a.kill();
      const answer = await onA;
      const left = await invoicesOfPeriod(database.databaseUrl!, month);
      cut.push(
        `${month} ${answer}, left ${left.length} invoices (${left.filter((i) => i.status === 'DRAFT').length} drafts)`,
      );

      // B closes the period A was closing, while A is down.
      const onB = await b.retrying(() => close(b, month, `b-close-${month}`));
      await a.restart();
      const afterB = await checkInvariants(database.databaseUrl!);
      expect(afterB.violations, `invariants after B closed ${month}`).toEqual([]);
      // A, back, sends its request again: the same invoices, nothing new.
      const onAgain = await a.retrying(() => close(a, month, `a-close-${month}`));

      const customers = await customersWithCharges(database.databaseUrl!, month);
      const stored = await invoicesOfPeriod(database.databaseUrl!, month);
      expect(onB.invoices.map((i) => i.customerAccount).sort()).toEqual(customers);
      expect(onB.invoices.filter((i) => i.status !== InvoiceStatus.INVOICE_STATUS_ISSUED)).toEqual([]);
      expect(onAgain.invoices.map((i) => i.id).sort()).toEqual(onB.invoices.map((i) => i.id).sort());
      expect(stored.map((i) => i.customer_account)).toEqual(customers);
      expected += customers.length;
      present += stored.length;
      missing += customers.filter((c) => !stored.some((i) => i.customer_account === c)).length;
      duplicated += stored.length - new Set(stored.map((i) => i.customer_account)).size;
      const afterA = await checkInvariants(database.databaseUrl!);
      expect(afterA.violations, `invariants after A closed ${month} again`).toEqual([]);
    }
    console.log(
      `kill-replica-close: a close took ${Math.round(closeMs)} ms unkilled; A killed: ${cut.join(', ')}; A's restarts took ${a.restartMs.join(', ')} ms`,
    );

    const final = await checkInvariants(database.databaseUrl!);
    expect(a.kills).toBe(KILLED_MONTHS.length);
    expect([missing, duplicated]).toEqual([0, 0]);
    recordFault({
      fault: `Two replicas: SIGKILL of A mid-close (300 customers, issue), B closes the period, A restarted closes again (seed ${random.seed})`,
      database: 'postgresql',
      injected: a.kills,
      sent: expected,
      stored: present,
      missing,
      duplicated,
      invariants: [
        'B answers every customer with charges, all issued',
        "A's retry answers B's invoices",
        ...final.checked,
      ],
    });
  }, 300_000);
});

/**
 * SIGKILL of `billing serve` in the middle of CloseBillingPeriod(issue=true) for 300 customers: one
 * period per kill, each killed at a random moment (seeded, printed) within about the time a close
 * takes here (measured on a first period closed without a kill). After each restart the database
 * invariants hold, and the same request sent again converges: every customer with charges has one
 * issued invoice for the period, numbered without gaps.
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

const CUSTOMERS = Array.from({ length: 300 }, (_, i) => `KILL-C${String(i).padStart(3, '0')}`);
const CALIBRATION_MONTH = '2026-04';
/** One kill per month's close. */
const KILLED_MONTHS = ['2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10'];
const CDRS_PER_MONTH = 1_500;

describe.runIf(Boolean(process.env.DATABASE_URL))('SIGKILL while a period closes and issues', () => {
  let database: TestDatabase;
  let service: KillableService;

  beforeAll(async () => {
    database = await createTestDatabase();
    service = await startKillableService({
      databaseUrl: database.databaseUrl!,
      tokens: writeTokensFile(database.dataDir),
    });
    await createCustomersInParallel(service, CUSTOMERS);
    await ingest(
      service,
      cdrsForMonths('bridge-1', CUSTOMERS, [CALIBRATION_MONTH, ...KILLED_MONTHS], CDRS_PER_MONTH),
    );
  }, 300_000);

  afterAll(async () => {
    await service?.stop();
    await database?.drop();
  });

  it('leaves one issued invoice per customer and period, gapless numbers and no half-built draft', async () => {
    const random = seededRandom('kill-period-close');
    const billing = service.client(InvoiceServiceDefinition, 'billing');
    const close = (month: string) =>
      billing.closeBillingPeriod({
        requestId: `close-${month}`,
        customerAccount: '',
        periodContaining: new Date(`${month}-15T12:00:00Z`),
        issue: true,
      });

    const began = performance.now();
    const calibration = await close(CALIBRATION_MONTH);
    const closeMs = performance.now() - began;
    expect(calibration.invoices.length).toBe(
      (await customersWithCharges(database.databaseUrl!, CALIBRATION_MONTH)).length,
    );

    let expected = 0;
    let present = 0;
    let missing = 0;
    let duplicated = 0;
    const cut: string[] = [];
    for (const month of KILLED_MONTHS) {
      const first = close(month).then(
        () => 'answered',
        (error: unknown) => (error instanceof ClientError ? Status[error.code] : String(error)),
      );
      await sleep(random.between(0, closeMs));
      await service.kill();
      const answer = await first;
      await service.restart();
      // What the kill left: nothing, drafts (closed, not yet issued) or issued invoices.
      const left = await invoicesOfPeriod(database.databaseUrl!, month);
      cut.push(
        `${month} ${answer}, left ${left.length} invoices (${left.filter((i) => i.status === 'DRAFT').length} drafts)`,
      );
      const afterKill = await checkInvariants(database.databaseUrl!);
      expect(afterKill.violations, `invariants after the kill during ${month}`).toEqual([]);

      // The same request again: it answers the first call's invoices, or finishes what the kill cut off.
      const again = await service.retrying(() => close(month));
      const customers = await customersWithCharges(database.databaseUrl!, month);
      const stored = await invoicesOfPeriod(database.databaseUrl!, month);
      expect(again.invoices.map((i) => i.customerAccount).sort()).toEqual(customers);
      expect(again.invoices.filter((i) => i.status !== InvoiceStatus.INVOICE_STATUS_ISSUED)).toEqual([]);
      expect(stored.map((i) => i.customer_account)).toEqual(customers);
      expected += customers.length;
      present += stored.length;
      missing += customers.filter((c) => !stored.some((i) => i.customer_account === c)).length;
      duplicated += stored.length - new Set(stored.map((i) => i.customer_account)).size;
      const afterRetry = await checkInvariants(database.databaseUrl!);
      expect(afterRetry.violations, `invariants after closing ${month} again`).toEqual([]);
    }
    console.log(
      `kill-period-close: a close took ${Math.round(closeMs)} ms unkilled; the killed calls: ${cut.join(', ')}; restarts took ${service.restartMs.join(', ')} ms`,
    );

    const final = await checkInvariants(database.databaseUrl!);
    expect(service.kills).toBe(KILLED_MONTHS.length);
    expect([missing, duplicated]).toEqual([0, 0]);
    recordFault({
      fault: `SIGKILL of billing serve during CloseBillingPeriod(issue) of 300 customers, then the same request again (seed ${random.seed})`,
      database: 'postgresql',
      injected: service.kills,
      sent: expected,
      stored: present,
      missing,
      duplicated,
      invariants: ['the retried close answers every customer with charges, all issued', ...final.checked],
    });
  }, 300_000);
});

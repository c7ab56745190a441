/**
 * Data the SIGKILL workloads start from, put in through the service as its clients would (so
 * charges, daily totals and rule-set archive are what ingest makes of them), before any kill.
 */
import pg from 'pg';
import type { Cdr } from '../../../src/gen/billing/v1/cdr';
import { CdrOutcome } from '../../../src/gen/billing/v1/cdr';
import { CdrIngestServiceDefinition } from '../../../src/gen/billing/v1/cdr_ingest_service';
import { CustomerServiceDefinition } from '../../../src/gen/billing/v1/customer_service';
import { BridgeSimulator } from '../../../src/simulator/bridge-simulator';
import { generateCdrs } from '../../../src/simulator/cdr-generator';
import { createCustomers } from '../../support/customers';
import type { KillableService } from './killable-service';

/** Creates customers (EUR, Europe/Stockholm) through CustomerService, a few calls at a time. */
export async function createCustomersInParallel(
  service: KillableService,
  accounts: string[],
  parallel = 8,
): Promise<void> {
  const sales = service.client(CustomerServiceDefinition, 'sales');
  const slices = Array.from({ length: parallel }, (_, i) => accounts.filter((_, k) => k % parallel === i));
  await Promise.all(slices.map((slice) => createCustomers(sales, slice)));
}

/** `perMonth` CDRs spread over `customers` in each month ("2026-10"), from the 5th of the month on. */
export function cdrsForMonths(
  bridgeId: string,
  customers: string[],
  months: string[],
  perMonth: number,
): Cdr[] {
  return months.flatMap((month, i) => [
    ...generateCdrs(
      {
        bridgeId,
        customers,
        from: new Date(`${month}-05T08:00:00Z`),
        seed: 100 + i,
        recordPrefix: `${bridgeId}-${month}`,
      },
      perMonth,
    ),
  ]);
}

/** Streams CDRs through one bridge and insists every one was accepted (no kill happens meanwhile). */
export async function ingest(service: KillableService, cdrs: Cdr[]): Promise<void> {
  const report = await new BridgeSimulator(service.client(CdrIngestServiceDefinition, 'bridge')).sendAll(
    cdrs,
    { batchSize: 500 },
  );
  const refused = report.results.filter((r) => r.outcome !== CdrOutcome.CDR_OUTCOME_ACCEPTED);
  if (refused.length)
    throw new Error(
      `ingest of the workload's CDRs: ${refused.length} not accepted, first ${JSON.stringify(refused[0])}`,
    );
}

/** Customers with a current charge whose call started in `month` (Stockholm time): who must be invoiced for it. */
export async function customersWithCharges(databaseUrl: string, month: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const rows = await client.query<{ customer_account: string }>(
      `select distinct customer_account from charges
       where superseded_at is null and to_char(call_start at time zone 'Europe/Stockholm', 'YYYY-MM') = $1 order by 1`,
      [month],
    );
    return rows.rows.map((r) => r.customer_account);
  } finally {
    await client.end();
  }
}

/** Invoices (supplements aside) of each customer for a period key, as the database holds them. */
export async function invoicesOfPeriod(
  databaseUrl: string,
  periodKey: string,
): Promise<{ customer_account: string; id: string; status: string }[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const rows = await client.query<{ customer_account: string; id: string; status: string }>(
      `select customer_account, id::text, status from invoices
       where kind = 'INVOICE' and supplements_invoice_id is null and period_key = $1 order by customer_account, id`,
      [periodKey],
    );
    return rows.rows;
  } finally {
    await client.end();
  }
}

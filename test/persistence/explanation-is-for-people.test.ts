/**
 * A charge's explanation is text for people: invoices and running charges count the zone and billed
 * seconds stored in the charge's own columns. Two customers get the same calls through ingest; every
 * explanation is then reworded without zone or bands, and the second customer's invoice and running
 * charges come out exactly as the first's did before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/app/clock';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { RatingStatus, type Cdr } from '../../src/gen/billing/v1/cdr';
import { AccessType } from '../../src/gen/billing/v1/common';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { InvoiceServiceDefinition } from '../../src/gen/billing/v1/invoice_service';
import { REBUILD_DAILY_TOTALS } from '../../src/persistence/daily-totals-sql';
import { rowsOf } from '../../src/persistence/sql-helpers';
import { BridgeSimulator } from '../../src/simulator/bridge-simulator';
import { createCustomers } from '../support/customers';
import { startTestService, type TestService } from '../support/test-service';
import { answeredCall } from '../support/answered-call';

const NOW = new Date('2026-11-28T12:00:00Z');
const TWINS = ['TWIN-A', 'TWIN-B'];

let t: TestService;
const billing = () => t.client(InvoiceServiceDefinition, 'billing');
const knex = () => t.service.database.orm.em.getKnex();

beforeAll(async () => {
  t = await startTestService({ clock: new FixedClock(NOW), env: { BILLING_CLOSE_INTERVAL_MS: '0' } });
  await createCustomers(t.client(CustomerServiceDefinition, 'sales'), TWINS);
  const report = await new BridgeSimulator(t.client(CdrIngestServiceDefinition, 'bridge')).sendAll(
    TWINS.flatMap(calls),
    { batchSize: 20 },
  );
  expect(report.results.every((r) => r.ratingStatus === RatingStatus.RATING_STATUS_RATED)).toBe(true);
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

/**
 * The same calls for each twin: Swedish fixed lines (billed per second), mobiles (first 60 s, then per
 * second), a 0 s call, a dial-in; in October and in November.
 */
function calls(account: string): Cdr[] {
  let n = 0;
  const leg = (accessType: AccessType, calledNumber: string, startUtc: string, seconds: number): Cdr => {
    n += 1;
    return answeredCall({
      bridgeId: 'bridge-1',
      recordId: `${account}-${n}`,
      conferenceId: `conf-${account}`,
      customerAccount: account,
      accessType,
      calledNumber,
      start: startUtc,
      seconds,
    });
  };
  const out = AccessType.ACCESS_TYPE_DIAL_OUT;
  return [
    leg(out, '+46812345678', '2026-10-07T18:00:00Z', 600),
    leg(out, '+46812345678', '2026-10-07T18:20:00Z', 7),
    ...[0, 1, 2].map((i) => leg(out, '+46701234567', `2026-10-08T08:0${i}:00Z`, 90)),
    leg(out, '+46701234567', '2026-10-09T08:00:00Z', 0),
    leg(out, '+46701234567', '2026-10-09T09:00:00Z', 30),
    leg(AccessType.ACCESS_TYPE_LOCAL_DIAL_IN, '', '2026-10-12T09:00:00Z', 300),
    // November: a whole day before NOW (daily totals) and NOW's own day (charges)
    leg(out, '+46701234567', '2026-11-10T09:00:00Z', 125),
    leg(out, '+46812345678', '2026-11-28T08:00:00Z', 61),
  ];
}

async function closeOctober(account: string) {
  const r = await billing().closeBillingPeriod({
    requestId: `close-${account}`,
    customerAccount: account,
    periodContaining: new Date('2026-10-15T12:00:00Z'),
    issue: false,
  });
  expect(r.skipped).toEqual([]);
  expect(r.invoices).toHaveLength(1);
  const invoice = r.invoices[0]!;
  return { lines: invoice.lines, netTotal: invoice.netTotal, grossTotal: invoice.grossTotal };
}

async function running(account: string) {
  const r = await billing().getRunningCharges({ customerAccount: account });
  return { breakdown: r.breakdown, totals: r.totals };
}

describe('the explanation is for people only', () => {
  it('stores zone and billed seconds as columns at ingest', async () => {
    const rows = rowsOf<{ zone: string; billed_seconds: number }>(
      await knex().raw(
        `select c.zone, c.billed_seconds from charges c where c.customer_account = 'TWIN-A' order by c.call_start`,
      ),
    );
    expect(rows.map((r) => [r.zone, r.billed_seconds])).toEqual([
      ['SE', 600],
      ['SE', 7],
      ['SE_MOBILE', 90],
      ['SE_MOBILE', 90],
      ['SE_MOBILE', 90],
      ['SE_MOBILE', 0],
      ['SE_MOBILE', 60], // 30 s billed as the first 60 s increment
      ['', 300],
      ['SE_MOBILE', 125],
      ['SE', 61],
    ]);
  });

  it('gives the same invoice and running charges after every explanation is reworded without zone or bands', async () => {
    const invoiceBefore = await closeOctober('TWIN-A');
    const runningBefore = await running('TWIN-A');
    expect(invoiceBefore.lines.some((l) => l.zone === 'SE_MOBILE')).toBe(true);
    expect(runningBefore.breakdown.some((b) => b.zone === 'SE_MOBILE')).toBe(true);
    expect(await running('TWIN-B')).toEqual(runningBefore);

    await knex().raw(
      `update charges set explanation = '{"summary": "Reworded for people: no zone, no bands."}'::jsonb`,
    );
    // Running charges rebuilt from the charges alone come out the same as well.
    const [drop, rebuild] = REBUILD_DAILY_TOTALS;
    await knex().transaction(async (trx) => {
      await trx.raw(drop, [JSON.stringify(TWINS)]);
      await trx.raw(rebuild, [JSON.stringify(TWINS)]);
    });

    expect(await running('TWIN-A')).toEqual(runningBefore);
    expect(await running('TWIN-B')).toEqual(runningBefore);
    expect(await closeOctober('TWIN-B')).toEqual(invoiceBefore);
  });
});

/**
 * The whole chain with nothing typed in between: sales creates the customer, the bridge streams
 * October's CDRs over gRPC, billing closes October and issues the invoice. Every line and total is
 * checked against amounts computed by hand from rules/standard-2026 (peak Mon-Fri 08-18 local time).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { CdrOutcome, RatingStatus, type Cdr } from '../../src/gen/billing/v1/cdr';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { InvoiceServiceDefinition, InvoiceStatus } from '../../src/gen/billing/v1/invoice_service';
import { BridgeSimulator } from '../../src/simulator/bridge-simulator';
import { createCustomers } from '../support/customers';
import { FixedClock } from '../../src/app/clock';
import { startTestService, type TestService } from '../support/test-service';
import { answeredCall } from '../support/answered-call';

// The service's "now": invoices issued in this test are numbered in 2026, whatever day the suite runs on.
const NOW = new Date('2026-11-28T12:00:00Z');

let t: TestService;
beforeAll(async () => {
  t = await startTestService({ clock: new FixedClock(NOW), env: { BILLING_CLOSE_INTERVAL_MS: '0' } });
  await createCustomers(t.client(CustomerServiceDefinition, 'sales'), ['SCENARIO']);
});
afterAll(async () => {
  await t?.stop();
});

let n = 0;
function leg(calledNumber: string, startUtc: string, seconds: number): Cdr {
  n += 1;
  return answeredCall({
    bridgeId: 'scenario-bridge',
    recordId: `s-${n}`,
    conferenceId: `conf-${Math.ceil(n / 5)}`,
    customerAccount: 'SCENARIO',
    calledNumber,
    start: startUtc,
    seconds,
  });
}

describe('from streamed CDRs to an issued invoice', () => {
  it('invoices October exactly as computed by hand, VAT once per rate on many small lines', async () => {
    const cdrs = [
      // 37 short calls to Swedish fixed lines, Tue 6 Oct 11:00+ local (peak): 7 s x 0.06/60 = 0.007 -> 0.01 each = 0.37
      ...Array.from({ length: 37 }, (_, i) =>
        leg('+46812345678', `2026-10-06T09:${String(i).padStart(2, '0')}:00Z`, 7),
      ),
      // 2 calls to Swedish fixed lines, Wed 7 Oct 20:00 local (off-peak): 600 s x 0.04/60 = 0.40 each = 0.80
      leg('+46812345678', '2026-10-07T18:00:00Z', 600),
      leg('+46812345678', '2026-10-07T18:20:00Z', 600),
      // 3 calls to Swedish mobiles, Thu 8 Oct 10:00 local (peak): first 60 s then per second, 90 s x 0.12/60 = 0.18 each = 0.54
      ...[0, 1, 2].map((i) => leg('+46701234567', `2026-10-08T08:0${i}:00Z`, 90)),
    ];
    const report = await new BridgeSimulator(t.client(CdrIngestServiceDefinition, 'bridge')).sendAll(cdrs, {
      batchSize: 10,
    });
    expect(
      report.results.every(
        (r) =>
          r.outcome === CdrOutcome.CDR_OUTCOME_ACCEPTED &&
          r.ratingStatus === RatingStatus.RATING_STATUS_RATED,
      ),
    ).toBe(true);
    expect(report.results.slice(0, 37).every((r) => r.charge!.amount === '0.01')).toBe(true);

    const billing = t.client(InvoiceServiceDefinition, 'billing');
    const running = await billing.getRunningCharges({
      customerAccount: 'SCENARIO',
      asOf: new Date('2026-10-31T12:00:00Z'),
    });
    expect(running.totals.map((m) => [m.currencyCode, m.amount])).toEqual([['EUR', '1.71']]);

    const closed = await billing.closeBillingPeriod({
      requestId: 'scenario-close',
      customerAccount: 'SCENARIO',
      periodContaining: new Date('2026-10-15T12:00:00Z'),
      issue: true,
    });
    expect(closed.invoices).toHaveLength(1);
    const invoice = closed.invoices[0]!;
    expect(invoice.status).toBe(InvoiceStatus.INVOICE_STATUS_ISSUED);
    expect(invoice.number).toMatch(/^INV-2026-\d{6}$/);
    expect(invoice.currencyCode).toBe('EUR');
    const lines = invoice.lines.map((l) => ({
      zone: l.zone,
      quantity: l.quantity,
      unit: l.unit,
      price: l.unitPrice!.amount,
      net: l.netAmount!.amount,
      vat: l.vatRate,
    }));
    // Seconds at each exact price per minute; the calls' rounding to the cent on a line of its own.
    expect(lines).toEqual([
      // peak: 37 x 7 s = 259 s x 0.06 / 60 = 0.259 -> 0.26 (the calls were 37 x 0.01 = 0.37)
      { zone: 'SE', quantity: '259', unit: 's', price: '0.06', net: '0.26', vat: '25' },
      // off-peak: 2 x 600 s = 1200 s x 0.04 / 60 = 0.80
      { zone: 'SE', quantity: '1200', unit: 's', price: '0.04', net: '0.80', vat: '25' },
      // 3 x 90 s = 270 s x 0.12 / 60 = 0.54
      { zone: 'SE_MOBILE', quantity: '270', unit: 's', price: '0.12', net: '0.54', vat: '25' },
      // the calls 0.37 + 0.80 + 0.54 = 1.71, the lines 1.60: +0.11
      { zone: '', quantity: '1', unit: 'unit', price: '0.11', net: '0.11', vat: '25' },
    ]);
    // Net 1.71; VAT 25 % of 1.71 = 0.4275 -> 0.43 (per charge it would be 0.0025 -> 0.00 for each short call); gross 2.14.
    expect(invoice.vat.map((v) => [v.vatRate, v.taxableAmount!.amount, v.vatAmount!.amount])).toEqual([
      ['25', '1.71', '0.43'],
    ]);
    expect([invoice.netTotal!.amount, invoice.vatTotal!.amount, invoice.grossTotal!.amount]).toEqual([
      '1.71',
      '0.43',
      '2.14',
    ]);
  });
});

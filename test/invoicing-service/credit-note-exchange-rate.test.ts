/**
 * A credit note in a foreign currency states its VAT in SEK at the rate recorded on the invoice it
 * credits, not at the rate of its own date: a full credit cancels the SEK VAT reported for the invoice
 * exactly (a correction reduces the output VAT of the original supply).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/app/clock';
import { InvoiceServiceDefinition } from '../../src/gen/billing/v1/invoice_service';
import { PostgresInvoiceStore } from '../../src/persistence/invoice-store';
import { REPO_ROOT, startTestService, type TestService } from '../support/test-service';
import { insertCharges, insertCustomers, uuid } from './support';

const NOW = new Date('2026-11-28T12:00:00Z');
const clock = new FixedClock(NOW);

let t: TestService;
let rulesDir: string;

beforeAll(async () => {
  rulesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cn-rate-rules-'));
  fs.cpSync(path.join(REPO_ROOT, 'rules'), rulesDir, { recursive: true });
  fs.writeFileSync(
    path.join(rulesDir, 'exchange-rates.json'),
    JSON.stringify({
      accountingCurrency: 'SEK',
      maxAgeDays: 14,
      rates: [
        { currency: 'EUR', date: '2026-11-27', rate: '11.0245', source: 'Riksbanken' },
        { currency: 'EUR', date: '2026-12-14', rate: '11.5000', source: 'Riksbanken' },
      ],
    }),
  );
  t = await startTestService({ clock, rulesDir, env: { BILLING_CLOSE_INTERVAL_MS: '0' } });
  await insertCustomers(t.service.database, [{ account: 'eur-credit', currency: 'EUR' }]);
  await insertCharges(t.service.database, [
    { account: 'eur-credit', start: '2026-10-05T09:00:00Z', seconds: 600, amount: '125.00', currency: 'EUR' },
  ]);
}, 120_000);

afterAll(async () => {
  await t?.stop();
  fs.rmSync(rulesDir, { recursive: true, force: true });
});

describe('a credit note in EUR', () => {
  it("restates its VAT in SEK at the credited invoice's rate, cancelling it exactly", async () => {
    const billing = t.client(InvoiceServiceDefinition, 'billing');
    const invoice = (
      await billing.closeBillingPeriod({
        requestId: uuid(),
        customerAccount: 'eur-credit',
        periodContaining: new Date('2026-10-15T12:00:00Z'),
        issue: true,
      })
    ).invoices[0]!;
    clock.set('2026-12-20T12:00:00Z'); // the rate of the credit note's own date is 11.5000
    const note = (
      await billing.createCreditNote({
        requestId: uuid(),
        invoiceId: invoice.id,
        reason: 'Cancelled',
        lines: [],
        issue: true,
      })
    ).creditNote!;
    expect(note.issueDate).toBe('2026-12-20');
    const store = new PostgresInvoiceStore(t.service.database);
    const [inv, cn] = await store.getInvoices([invoice.id, note.id]);
    // 125.00 EUR at 25 % = 31.25 EUR VAT; at 11.0245 = 344.515625 -> 344.52 SEK.
    expect(inv!.document.accountingCurrencyVat).toEqual({
      currency: 'SEK',
      rate: '11.0245',
      rateDate: '2026-11-27',
      rateSource: 'Riksbanken',
      vatTotal: '344.52',
    });
    expect(cn!.document.accountingCurrencyVat).toEqual({
      currency: 'SEK',
      rate: '11.0245',
      rateDate: '2026-11-27',
      rateSource: 'Riksbanken',
      vatTotal: '-344.52',
    });
  });
});

/**
 * What every InvoiceStore must answer on its read side: customers as invoicing sees them, where
 * closing stands, and invoices by id, number and page. Invoices come from the close use case itself,
 * run on the database's own unit of work, so the suite reads what closing really writes.
 */
import Decimal from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { validateContractCurrency } from '../../src/app/customers/contract';
import type { CustomerStore } from '../../src/app/customers/ports';
import type { CdrStore } from '../../src/app/ingest/ports';
import { closePeriod } from '../../src/app/invoicing/close-period';
import type { CloseUnitOfWork } from '../../src/app/invoicing/close-ports';
import type {
  BillingCustomer,
  InvoiceFilter,
  InvoiceStore,
  StoredInvoice,
} from '../../src/app/invoicing/ports';
import type { RuleSetArchive } from '../../src/app/rating/ports';
import { loadInvoicingConfig } from '../../src/config/invoicing-config';
import { archivedHash, cdr, rated, toStore } from './cdr-fixtures';
import { contractInput, customerInput, key, unique } from './fixtures';

type Deps = {
  invoices: InvoiceStore;
  closing: CloseUnitOfWork;
  customers: CustomerStore;
  cdrs: CdrStore;
  archive: RuleSetArchive;
};

// Demo mode: these tests issue numbers with the example seller (see README, BILLING_DEMO).
const SETTINGS = loadInvoicingConfig({ BILLING_DEMO: 'true' });
const NOW = new Date('2026-12-01T12:00:00.000Z');
const UNKNOWN_ID = '999999999999999';

/** A Stockholm customer with one rated 60 s call of 10 SEK on the 10th of each month given. */
async function customerWithCalls(deps: Deps, months: string[]): Promise<string> {
  const c = customerInput();
  await deps.customers.upsertCustomer(c, 0, key());
  const hash = await archivedHash(deps.archive);
  await deps.cdrs.insertBatch(
    months.map((m) =>
      toStore(cdr(c.externalId, `${m}-10T10:00:00.000Z`, { durationSeconds: 60 }), rated(hash, '10')),
    ),
  );
  return c.externalId;
}

async function close(deps: Deps, account: string, month: string, issue = false): Promise<StoredInvoice> {
  const result = await closePeriod(
    { store: deps.invoices, closing: deps.closing, settings: SETTINGS, now: () => NOW },
    { customerAccount: account, periodContaining: new Date(`${month}-15T12:00:00.000Z`), issue },
  );
  expect(result.skipped).toEqual([]);
  expect(result.invoices).toHaveLength(1);
  return result.invoices[0]!;
}

async function listAll(store: InvoiceStore, filter: InvoiceFilter, limit: number): Promise<StoredInvoice[]> {
  const seen: StoredInvoice[] = [];
  let after: [string, string] | undefined;
  do {
    const page = await store.listInvoices(filter, limit, after);
    expect(page.invoices.length).toBeLessThanOrEqual(limit);
    seen.push(...page.invoices);
    after = page.next;
  } while (after);
  return seen;
}

export function runInvoiceStoreConformance(make: () => Deps): void {
  describe('InvoiceStore (reads)', () => {
    it('answers nothing for unknown customers and invoices', async () => {
      const { invoices } = make();
      const nobody = unique('nobody');
      expect(await invoices.customers([nobody])).toEqual([]);
      expect(await invoices.periodTerms(nobody)).toBeUndefined();
      expect((await invoices.closingState()).has(nobody)).toBe(false);
      expect(await invoices.getInvoices([])).toEqual([]);
      expect(await invoices.getInvoices([UNKNOWN_ID])).toEqual([]);
      expect(await invoices.findInvoiceId({ id: UNKNOWN_ID })).toBeUndefined();
      expect(await invoices.findInvoiceId({ number: unique('INV') })).toBeUndefined();
      expect(await invoices.listInvoices({ customerAccount: nobody }, 10)).toEqual({
        invoices: [],
        next: undefined,
      });
    });

    it('answers customers as invoicing sees them, with their contracts', async () => {
      const { invoices, customers } = make();
      const c = customerInput(undefined, {
        electronicAddress: { scheme: '0007', id: '5566778899' },
        buyerReference: 'Ref 17',
        orderReference: 'PO-9',
        invoiceLineGrouping: 'conference',
        callSpecification: true,
      });
      await customers.upsertCustomer(c, 0, key());
      const k = contractInput(c.externalId, '2026-01-01T00:00:00.000Z', {
        validTo: new Date('2027-01-01T00:00:00.000Z'),
      });
      await customers.upsertContract(k, 0, key(), (owner) => validateContractCurrency(k, owner.currency));
      const expected = {
        account: c.externalId,
        name: c.name,
        email: c.email,
        vatNumber: c.vatNumber,
        registrationNumber: c.registrationNumber,
        electronicAddress: { scheme: '0007', id: '5566778899' },
        buyerReference: 'Ref 17',
        orderReference: 'PO-9',
        lineGrouping: 'conference',
        callSpecification: true,
        countryCode: 'SE',
        currency: 'SEK',
        timeZone: 'Europe/Stockholm',
        paymentTermsDays: 30,
        address: { lines: ['Sveavägen 1'], postalCode: '111 57', city: 'Stockholm', countryCode: 'SE' },
        contracts: [
          {
            externalId: k.externalId,
            validFrom: k.validFrom,
            validTo: k.validTo,
            cycle: 'MONTHLY',
            anchorDay: 1,
            pricePlan: 'STANDARD',
            includedMinutes: '100',
            minimumCommitment: '1000.5',
          },
        ],
      };
      // Decimal strings compared as decimals: the scale a database answers with is not the contract.
      const decimals = (found: BillingCustomer[]) =>
        found.map((x) => ({
          ...x,
          contracts: x.contracts.map((k) => ({
            ...k,
            includedMinutes: k.includedMinutes && new Decimal(k.includedMinutes).toFixed(),
            minimumCommitment: k.minimumCommitment && new Decimal(k.minimumCommitment).toFixed(),
          })),
        }));
      expect(decimals(await invoices.customers([c.externalId, unique('nobody')]))).toEqual([expected]);
      const all = decimals(await invoices.customers());
      expect(all.find((x) => x.account === c.externalId)).toEqual(expected);
    });

    it("answers a customer's period terms, each contract's as invoicing sees it", async () => {
      const { invoices, customers } = make();
      const c = customerInput(undefined, { timeZone: 'America/New_York' });
      await customers.upsertCustomer(c, 0, key());
      const later = contractInput(c.externalId, '2027-01-01T05:00:00.000Z');
      const earlier = contractInput(c.externalId, '2026-07-01T04:00:00.000Z', {
        billingCycle: 'QUARTERLY',
        anchorDay: 15,
        validTo: later.validFrom,
      });
      for (const k of [later, earlier])
        await customers.upsertContract(k, 0, key(), (owner) => validateContractCurrency(k, owner.currency));
      const terms = await invoices.periodTerms(c.externalId);
      expect(terms).toEqual({
        timeZone: 'America/New_York',
        contracts: [
          { validFrom: earlier.validFrom, validTo: later.validFrom, cycle: 'QUARTERLY', anchorDay: 15 },
          { validFrom: later.validFrom, cycle: 'MONTHLY', anchorDay: 1 },
        ],
      });
      // The same terms as the whole customer carries: running charges and a close lay out one period.
      const [whole] = await invoices.customers([c.externalId]);
      expect(
        whole!.contracts.map(({ validFrom, validTo, cycle, anchorDay }) => ({
          validFrom,
          validTo,
          cycle,
          anchorDay,
        })),
      ).toEqual(terms!.contracts.map((k) => ({ validTo: undefined, ...k })));
    });

    it('tells per customer the end of its last closed period and its first open charge', async () => {
      const deps = make();
      const idle = customerInput();
      await deps.customers.upsertCustomer(idle, 0, key());
      const account = await customerWithCalls(deps, ['2026-08', '2026-09']);
      const before = await deps.invoices.closingState();
      expect(before.get(idle.externalId)).toEqual({ closedUntil: undefined, firstOpenCharge: undefined });
      expect(before.get(account)).toEqual({
        closedUntil: undefined,
        firstOpenCharge: new Date('2026-08-10T10:00:00.000Z'),
      });
      await close(deps, account, '2026-08');
      expect((await deps.invoices.closingState()).get(account)).toEqual({
        closedUntil: new Date('2026-08-31T22:00:00.000Z'),
        firstOpenCharge: new Date('2026-09-10T10:00:00.000Z'),
      });
    });

    it('makes a closed period findable by id, and by number once issued', async () => {
      const deps = make();
      const account = await customerWithCalls(deps, ['2026-09']);
      const draft = await close(deps, account, '2026-09');
      expect(draft).toMatchObject({
        kind: 'INVOICE',
        status: 'DRAFT',
        number: undefined,
        customerAccount: account,
        periodKey: '2026-09',
        periodStart: new Date('2026-08-31T22:00:00.000Z'),
        periodEnd: new Date('2026-09-30T22:00:00.000Z'),
        currency: 'SEK',
        document: { status: 'draft', totals: { netTotal: '10.00' } },
      });
      expect(await deps.invoices.findInvoiceId({ id: draft.id })).toBe(draft.id);
      expect(await deps.invoices.getInvoices([draft.id, UNKNOWN_ID])).toEqual([draft]);
      const issued = await close(deps, account, '2026-09', true);
      expect(issued).toMatchObject({ id: draft.id, status: 'ISSUED', number: expect.any(String) as string });
      expect(await deps.invoices.findInvoiceId({ number: issued.number! })).toBe(draft.id);
      expect(await deps.invoices.getInvoices([draft.id])).toEqual([issued]);
    });

    it("pages a customer's invoices latest period first, filtered by period, status and kind", async () => {
      const deps = make();
      const months = ['2026-07', '2026-08', '2026-09', '2026-10'];
      const account = await customerWithCalls(deps, months);
      for (const m of months) await close(deps, account, m, m === '2026-08');
      const all = await listAll(deps.invoices, { customerAccount: account }, 1);
      expect(all.map((i) => i.periodKey)).toEqual(['2026-10', '2026-09', '2026-08', '2026-07']);
      const keysOf = async (filter: InvoiceFilter) =>
        (await listAll(deps.invoices, { customerAccount: account, ...filter }, 10)).map((i) => i.periodKey);
      expect(await keysOf({ status: 'ISSUED' })).toEqual(['2026-08']);
      expect(await keysOf({ status: 'DRAFT', kind: 'INVOICE' })).toEqual(['2026-10', '2026-09', '2026-07']);
      expect(await keysOf({ kind: 'CREDIT_NOTE' })).toEqual([]);
      const from = new Date('2026-07-31T22:00:00.000Z');
      const to = new Date('2026-09-30T22:00:00.000Z');
      expect(await keysOf({ periodStartFrom: from, periodStartTo: to })).toEqual(['2026-09', '2026-08']);
    });

    it('orders the invoices of one period start by id, across pages', async () => {
      const deps = make();
      const [a, b, c] = [
        await customerWithCalls(deps, ['2026-06']),
        await customerWithCalls(deps, ['2026-06']),
        await customerWithCalls(deps, ['2026-06']),
      ];
      const ids = [
        await close(deps, b, '2026-06'),
        await close(deps, c, '2026-06'),
        await close(deps, a, '2026-06'),
      ].map((i) => i.id);
      const june = {
        periodStartFrom: new Date('2026-05-31T22:00:00.000Z'),
        periodStartTo: new Date('2026-06-01T00:00:00.000Z'),
      };
      const listed = (await listAll(deps.invoices, june, 2)).map((i) => i.id);
      const sorted = [...listed].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1));
      expect(listed).toEqual(sorted);
      expect(listed.filter((id) => ids.includes(id))).toEqual(ids);
    });
  });
}

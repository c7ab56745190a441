/** What every CustomerDirectory and BookingDirectory (ingest's batched lookups) must do. */
import { describe, expect, it } from 'vitest';
import { validateContractCurrency } from '../../src/app/customers/contract';
import type { CustomerStore } from '../../src/app/customers/ports';
import type { BookingStore } from '../../src/app/bookings/ports';
import type { BookingDirectory, CustomerDirectory } from '../../src/app/ingest/ports';
import { booking, contractInput, customerInput, key, unique } from './fixtures';

export function runCustomerDirectoryConformance(
  make: () => { directory: CustomerDirectory; customers: CustomerStore },
): void {
  describe('CustomerDirectory', () => {
    it('answers every known account of a batch with its contracts oldest first', async () => {
      const { directory, customers } = make();
      const a = customerInput(unique('dir'), { timeZone: 'America/New_York', currencyCode: 'USD' });
      const b = customerInput();
      await customers.upsertCustomer(a, 0, key());
      await customers.upsertCustomer(b, 0, key());
      const later = contractInput(a.externalId, '2026-06-01T00:00:00.000Z', {
        specialPrices: [{ accessType: 'dial_out', ratePerMinute: '0.123456', currency: 'USD' }],
        minimumCommitment: undefined,
        validTo: undefined,
      });
      const earlier = contractInput(a.externalId, '2026-01-01T00:00:00.000Z', {
        specialPrices: [],
        minimumCommitment: undefined,
        discountPercent: undefined,
        pricePlan: undefined,
        validTo: new Date('2026-06-01T00:00:00.000Z'),
      });
      for (const k of [later, earlier])
        await customers.upsertContract(k, 0, key(), (c) => validateContractCurrency(k, c.currency));
      const missing = unique('missing');
      const facts = await directory.pricingFacts([a.externalId, b.externalId, a.externalId, missing]);
      expect([...facts.keys()].sort()).toEqual([a.externalId, b.externalId].sort());
      expect(facts.get(b.externalId)).toEqual({
        timeZone: 'Europe/Stockholm',
        currency: 'SEK',
        contracts: [],
      });
      expect(facts.get(a.externalId)).toEqual({
        timeZone: 'America/New_York',
        currency: 'USD',
        contracts: [
          {
            id: earlier.externalId,
            validFrom: earlier.validFrom,
            validTo: earlier.validTo,
            pricePlan: undefined,
            discountPercent: undefined,
            specialPrices: [],
          },
          {
            id: later.externalId,
            validFrom: later.validFrom,
            validTo: undefined,
            pricePlan: 'STANDARD',
            discountPercent: '5',
            specialPrices: [{ accessType: 'dial_out', ratePerMinute: '0.123456' }],
          },
        ],
      });
      expect((await directory.pricingFacts([])).size).toBe(0);
    });
  });
}

export function runBookingDirectoryConformance(
  make: () => { directory: BookingDirectory; bookings: BookingStore; customers: CustomerStore },
): void {
  describe('BookingDirectory', () => {
    it('answers the owner, bridge, status and features of known booking ids only', async () => {
      const { directory, bookings, customers } = make();
      const c = customerInput();
      await customers.upsertCustomer(c, 0, key());
      const one = booking(c.externalId, unique('bridge'), '2026-12-01T10:00:00.000Z', {
        features: ['recording', 'streaming'],
      });
      const none = booking(c.externalId, unique('bridge'), '2026-12-01T10:00:00.000Z', { features: [] });
      for (const b of [one, none]) await bookings.mutate(key(), async (tx) => (await tx.insert(b), b));
      const found = await directory.citedBookings([one.id, none.id, unique('missing')]);
      const cited = (b: typeof one) => ({
        customerAccount: c.externalId,
        bridgeId: b.bridgeId,
        status: 'SCHEDULED',
        features: b.features,
      });
      expect(found).toEqual(
        new Map([
          [one.id, cited(one)],
          [none.id, cited(none)],
        ]),
      );
      expect((await directory.citedBookings([])).size).toBe(0);
    });
  });
}

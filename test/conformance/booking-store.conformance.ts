/** What every BookingStore (bookings and their per-bridge outbox) must do. */
import { describe, expect, it } from 'vitest';
import type { Booking } from '../../src/app/bookings/booking';
import type { BookingStore } from '../../src/app/bookings/ports';
import type { CustomerStore } from '../../src/app/customers/ports';
import { ValidationError } from '../../src/domain/errors';
import { booking, customerInput, key, unique } from './fixtures';

export function runBookingStoreConformance(
  make: () => { bookings: BookingStore; customers: CustomerStore },
): void {
  describe('BookingStore', () => {
    async function customer(customers: CustomerStore, timeZone = 'Europe/Stockholm') {
      const c = customerInput(unique('cust'), { timeZone });
      await customers.upsertCustomer(c, 0, key());
      return c.externalId;
    }

    it('runs a mutation once per request key, and stores what it wrote', async () => {
      const { bookings, customers } = make();
      const account = await customer(customers, 'Asia/Tokyo');
      const b = booking(account, unique('bridge'), '2026-12-01T10:00:00.000Z');
      const k = key(b);
      let runs = 0;
      const work = async (tx: Parameters<Parameters<BookingStore['mutate']>[1]>[0]) => {
        runs++;
        expect(await tx.customer(account)).toEqual({ timeZone: 'Asia/Tokyo' });
        expect(await tx.customer(unique('missing'))).toBeUndefined();
        expect(await tx.lock(b.id)).toBeUndefined();
        await tx.insert(b);
        await tx.publish('CREATED', b, [b.bridgeId]);
        return b;
      };
      expect(await bookings.mutate(k, work)).toEqual(b);
      expect(await bookings.mutate(k, work)).toEqual(b);
      expect(runs).toBe(1);
      expect(await bookings.get(b.id)).toEqual(b);
      expect(await bookings.get(unique('missing'))).toBeUndefined();
    });

    it('locks, updates and finds a booking by its external reference', async () => {
      const { bookings, customers } = make();
      const account = await customer(customers);
      const b = booking(account, unique('bridge'), '2026-12-01T10:00:00.000Z');
      await bookings.mutate(key(), async (tx) => (await tx.insert(b), b));
      const cancelled: Booking = {
        ...b,
        status: 'CANCELLED',
        cancelReason: 'moved',
        version: 2,
        externalReference: '',
        dialOutNumbers: [],
        updatedAt: new Date('2026-11-02T09:00:00.000Z'),
      };
      await bookings.mutate(key(), async (tx) => {
        expect(await tx.bookingWithReference(b.externalReference)).toBe(b.id);
        expect(await tx.lock(b.id)).toEqual(b);
        await tx.update(cancelled);
        return cancelled;
      });
      expect(await bookings.get(b.id)).toEqual(cancelled);
      await bookings.mutate(key(), async (tx) => {
        expect(await tx.bookingWithReference(b.externalReference)).toBeUndefined();
        return cancelled;
      });
    });

    it('rolls back everything a failed mutation wrote, the request key included', async () => {
      const { bookings, customers } = make();
      const account = await customer(customers);
      const b = booking(account, unique('bridge'), '2026-12-01T10:00:00.000Z');
      const k = key(b);
      await expect(
        bookings.mutate(k, async (tx) => {
          await tx.insert(b);
          await tx.publish('CREATED', b, [b.bridgeId]);
          throw new Error('refused');
        }),
      ).rejects.toThrow('refused');
      expect(await bookings.get(b.id)).toBeUndefined();
      expect(await bookings.eventsAfter(b.bridgeId, '', 10)).toEqual([]);
      expect(await bookings.mutate(k, async (tx) => (await tx.insert(b), b))).toEqual(b);
    });

    it('pages upcoming bookings by start then id, with filters', async () => {
      const { bookings, customers } = make();
      const account = await customer(customers);
      const bridge = unique('bridge');
      const starts = ['2027-01-03', '2027-01-01', '2027-01-02', '2027-01-02', '2026-12-31', '2027-01-05'];
      const made = starts.map((d) => booking(account, bridge, `${d}T10:00:00.000Z`));
      made[2] = { ...made[2]!, status: 'CANCELLED' };
      for (const b of made) await bookings.mutate(key(), async (tx) => (await tx.insert(b), b));
      const filter = {
        bridgeId: bridge,
        from: new Date('2027-01-01T00:00:00.000Z'),
        to: new Date('2027-01-05T00:00:00.000Z'),
        includeCancelled: false,
      };
      const seen: Booking[] = [];
      let token: string | undefined;
      do {
        const page = await bookings.listUpcoming(filter, 1, token);
        seen.push(...page.rows);
        token = page.nextPageToken || undefined;
      } while (token);
      expect(seen.map((b) => b.id)).toEqual([made[1]!.id, made[3]!.id, made[0]!.id]);
      const all = await bookings.listUpcoming({ ...filter, includeCancelled: true }, 10);
      const twins = [made[2].id, made[3]!.id].sort();
      expect(all.rows.map((b) => b.id)).toEqual([made[1]!.id, ...twins, made[0]!.id]);
      expect(all.nextPageToken).toBe('');
      const other = await bookings.listUpcoming({ ...filter, customerAccount: unique('nobody') }, 10);
      expect(other.rows).toEqual([]);
      await expect(bookings.listUpcoming(filter, 1, 'not-a-token-of-this-service')).rejects.toThrow(
        ValidationError,
      );
    });

    it('delivers the events of a bridge in append order after a cursor', async () => {
      const { bookings, customers } = make();
      const account = await customer(customers);
      const [bridge, other] = [unique('bridge'), unique('bridge')];
      const b = booking(account, bridge, '2026-12-01T10:00:00.000Z');
      await bookings.mutate(key(), async (tx) => {
        await tx.insert(b);
        await tx.publish('CREATED', b, [bridge, other, bridge]);
        return b;
      });
      const updated = { ...b, title: 'Renamed', version: 2 };
      for (const type of ['UPDATED', 'CANCELLED'] as const)
        await bookings.mutate(key(), async (tx) => {
          await tx.update(updated);
          await tx.publish(type, updated, [bridge]);
          return updated;
        });
      const events = await bookings.eventsAfter(bridge, '', 10);
      expect(events.map((e) => e.type)).toEqual(['CREATED', 'UPDATED', 'CANCELLED']);
      expect(events[0]!.booking).toEqual(b);
      expect(events[1]!.booking.title).toBe('Renamed');
      const cursors = events.map((e) => BigInt(e.cursor));
      expect([...cursors].sort((x, y) => (x < y ? -1 : 1))).toEqual(cursors);
      expect((await bookings.eventsAfter(bridge, events[0]!.cursor, 1)).map((e) => e.type)).toEqual([
        'UPDATED',
      ]);
      expect(await bookings.eventsAfter(bridge, events[2]!.cursor, 10)).toEqual([]);
      expect((await bookings.eventsAfter(other, '', 10)).map((e) => e.type)).toEqual(['CREATED']);
    });
  });
}

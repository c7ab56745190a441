/** A CDR is charged its cited booking's features only when the booking is the call's own. */
import { describe, expect, it } from 'vitest';
import { bookedFeaturesOf, type CitedBooking } from '../../src/domain/cited-booking';

const cdr = { customerAccount: 'A', bridgeId: 'b1', startTime: new Date('2030-03-04T10:00:00Z') };
const own: CitedBooking = {
  customerAccount: 'A',
  bridgeId: 'b1',
  status: 'SCHEDULED',
  features: ['recording'],
};

describe('bookedFeaturesOf', () => {
  it("counts the features of the customer's own scheduled booking on the call's bridge", () => {
    expect(bookedFeaturesOf(cdr, own)).toEqual({ used: true, features: ['recording'] });
  });

  it("ignores another customer's booking, one hosted on another bridge, a cancelled one and an unknown id", () => {
    expect(bookedFeaturesOf(cdr, { ...own, customerAccount: 'B' })).toEqual({
      used: false,
      reason: 'the booking belongs to another customer account',
    });
    expect(bookedFeaturesOf(cdr, { ...own, bridgeId: 'b2' })).toEqual({
      used: false,
      reason: 'the booking is hosted on another bridge',
    });
    expect(bookedFeaturesOf(cdr, { ...own, status: 'CANCELLED' })).toEqual({
      used: false,
      reason: 'the booking is cancelled',
    });
    expect(bookedFeaturesOf(cdr, undefined)).toEqual({ used: false, reason: 'no such booking' });
  });

  it('counts a booking cancelled after the call began, not one cancelled before', () => {
    const cancelledAt = (iso: string): CitedBooking => ({
      ...own,
      status: 'CANCELLED',
      cancelledAt: new Date(iso),
    });
    expect(bookedFeaturesOf(cdr, cancelledAt('2030-03-04T10:00:01Z'))).toEqual({
      used: true,
      features: ['recording'],
    });
    expect(bookedFeaturesOf(cdr, cancelledAt('2030-03-04T10:00:00Z'))).toEqual({
      used: false,
      reason: 'the booking is cancelled',
    });
  });
});

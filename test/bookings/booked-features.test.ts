/** Bookings reach pricing: a feature booked for a conference is charged on its calls. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BookingServiceDefinition, BookingStatus } from '../../src/gen/billing/v1/booking_service';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { RatingStatus, type Cdr } from '../../src/gen/billing/v1/cdr';
import { AccessType, Feature } from '../../src/gen/billing/v1/common';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { RatingServiceDefinition } from '../../src/gen/billing/v1/rating_service';
import { createCustomers } from '../support/customers';
import { startTestService, type TestService } from '../support/test-service';
import { answeredCall } from '../support/answered-call';

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
  await createCustomers(t.client(CustomerServiceDefinition, 'sales'), ['BOOKED']);
});
afterAll(async () => {
  await t?.stop();
});

describe('booked features', () => {
  it('charges a call of a conference booked with recording for recording, though the leg does not report it', async () => {
    const { booking } = await t.client(BookingServiceDefinition, 'reservations').createBooking({
      requestId: 'bf-1',
      booking: {
        id: '',
        externalReference: '',
        customerAccount: 'BOOKED',
        bridgeId: 'bf-bridge',
        title: 'Board meeting',
        scheduledStart: new Date(Date.now() + 3_600_000),
        expectedDurationSeconds: 3600,
        timeZone: '',
        expectedParticipants: 4,
        dialOutNumbers: [],
        features: [Feature.FEATURE_RECORDING],
        hostCode: '',
        participantCode: '',
        status: BookingStatus.BOOKING_STATUS_UNSPECIFIED,
        cancelReason: '',
        version: 0,
      },
    });
    const start = new Date(Date.now() - 2 * 3_600_000);
    const leg = (recordId: string, bookingId: string): Cdr =>
      answeredCall({
        bridgeId: 'bf-bridge',
        recordId,
        bookingId,
        customerAccount: 'BOOKED',
        accessType: AccessType.ACCESS_TYPE_LOCAL_DIAL_IN,
        callerNumber: '+46701234567',
        calledNumber: '+46812345678',
        start,
        seconds: 600,
      });
    const { results } = await t.client(CdrIngestServiceDefinition, 'bridge').submitCdrs({
      requestId: 'bf',
      cdrs: [leg('booked', booking!.id), leg('adhoc', '')],
    });
    expect(results.map((r) => r.ratingStatus)).toEqual([
      RatingStatus.RATING_STATUS_RATED,
      RatingStatus.RATING_STATUS_RATED,
    ]);
    const [booked, adhoc] = results;
    const quote = (features: Feature[]) =>
      t.client(RatingServiceDefinition, 'finance').quoteCall({
        customerAccount: 'BOOKED',
        accessType: AccessType.ACCESS_TYPE_LOCAL_DIAL_IN,
        calledNumber: '+46812345678',
        startTime: start,
        durationSeconds: 600,
        features,
        participants: 1,
        ruleSetHash: '',
      });
    const withRecording = await quote([Feature.FEATURE_RECORDING]);
    expect(booked!.charge).toEqual(withRecording.pricePerParticipant);
    expect(adhoc!.charge).toEqual((await quote([])).pricePerParticipant);
    expect(withRecording.explanation!.surcharges.map((s) => s.feature)).toContain(Feature.FEATURE_RECORDING);
    expect(booked!.charge!.amount).not.toBe(adhoc!.charge!.amount);
  });
});

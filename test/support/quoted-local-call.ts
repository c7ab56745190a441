/**
 * What QuoteCall prices a 10-minute local dial-in to +46812345678 at, per participant: the charge a
 * CDR of that call gets, to compare stored charges with (with and without booked features).
 */
import type { Money } from '../../src/gen/billing/v1/common';
import { AccessType, type Feature } from '../../src/gen/billing/v1/common';
import { RatingServiceDefinition } from '../../src/gen/billing/v1/rating_service';
import type { TestService } from './test-service';

export async function quotedLocalCall(
  t: TestService,
  customerAccount: string,
  startTime: Date,
  features: Feature[],
): Promise<Money | undefined> {
  const quote = await t.client(RatingServiceDefinition, 'finance').quoteCall({
    customerAccount,
    accessType: AccessType.ACCESS_TYPE_LOCAL_DIAL_IN,
    calledNumber: '+46812345678',
    startTime,
    durationSeconds: 600,
    features,
    participants: 1,
    ruleSetHash: '',
  });
  return quote.pricePerParticipant;
}

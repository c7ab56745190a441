/** Inputs shared by the suites; every id is unique per call so suites share one database. */
import crypto from 'node:crypto';
import type { Booking } from '../../src/app/bookings/booking';
import { requestKey, type RequestKey } from '../../src/app/mutations';
import type { ContractInput } from '../../src/domain/contracts/contract';
import type { CustomerInput } from '../../src/domain/customers/customer';

export const unique = (prefix: string) => `${prefix}-${crypto.randomBytes(5).toString('hex')}`;

export function key(request: unknown = {}, requestId = unique('req')): RequestKey {
  return requestKey('Conformance.Mutation', requestId, request);
}

export function customerInput(
  externalId = unique('cust'),
  overrides: Partial<CustomerInput> = {},
): CustomerInput {
  return {
    externalId,
    name: `Customer ${externalId}`,
    billingAddress: { lines: ['Sveavägen 1'], postalCode: '111 57', city: 'Stockholm', countryCode: 'SE' },
    email: 'invoices@example.se',
    vatNumber: 'SE556677889901',
    countryCode: 'SE',
    currencyCode: 'SEK',
    timeZone: 'Europe/Stockholm',
    paymentTermsDays: 30,
    registrationNumber: '556677-8899',
    ...overrides,
  };
}

export function contractInput(
  customerExternalId: string,
  validFrom: string,
  overrides: Partial<ContractInput> = {},
): ContractInput {
  return {
    externalId: unique('k'),
    customerExternalId,
    pricePlan: 'STANDARD',
    discountPercent: '5',
    specialPrices: [{ accessType: 'toll_free_dial_in', zone: 'SE', ratePerMinute: '0.25', currency: 'SEK' }],
    includedMinutes: '100',
    minimumCommitment: { currency: 'SEK', amount: '1000.50' },
    billingCycle: 'MONTHLY',
    anchorDay: 1,
    validFrom: new Date(validFrom),
    ...overrides,
  };
}

export function booking(
  customerAccount: string,
  bridgeId: string,
  start: string,
  overrides: Partial<Booking> = {},
): Booking {
  const now = new Date('2026-11-01T09:00:00.000Z');
  return {
    id: unique('bk'),
    externalReference: unique('ref'),
    customerAccount,
    bridgeId,
    title: 'Weekly sync',
    scheduledStart: new Date(start),
    expectedDurationSeconds: 3600,
    timeZone: 'Europe/Stockholm',
    expectedParticipants: 4,
    dialOutNumbers: ['+46701234567'],
    features: ['recording'],
    hostCode: '123456',
    participantCode: '654321',
    status: 'SCHEDULED',
    cancelReason: '',
    version: 1,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

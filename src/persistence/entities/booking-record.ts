import { EntitySchema } from '@mikro-orm/core';

/** A row of `bookings`: read and written through the EntityManager (booking-store.ts). */
export interface BookingRecord {
  id: string;
  externalReference?: string | null;
  customerAccount: string;
  bridgeId: string;
  title: string;
  scheduledStart: Date;
  expectedDurationSeconds: number;
  timeZone: string;
  expectedParticipants: number;
  dialOutNumbers: string[];
  features: string[];
  hostCode: string;
  participantCode: string;
  status: string;
  cancelReason?: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export const BookingRecordSchema = new EntitySchema<BookingRecord>({
  name: 'BookingRecord',
  tableName: 'bookings',
  properties: {
    id: { type: 'text', primary: true },
    externalReference: { type: 'text', nullable: true, unique: true },
    customerAccount: { type: 'text' },
    bridgeId: { type: 'text' },
    title: { type: 'text' },
    scheduledStart: { type: 'Date', columnType: 'timestamptz' },
    expectedDurationSeconds: { type: 'integer' },
    timeZone: { type: 'text' },
    expectedParticipants: { type: 'integer' },
    dialOutNumbers: { type: 'string[]', columnType: 'text[]' },
    features: { type: 'string[]', columnType: 'text[]' },
    hostCode: { type: 'text' },
    participantCode: { type: 'text' },
    status: { type: 'text' },
    cancelReason: { type: 'text', nullable: true },
    version: { type: 'integer' },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    updatedAt: { type: 'Date', columnType: 'timestamptz' },
  },
});

import { EntitySchema } from '@mikro-orm/core';

/** A stored CDR row (table `cdrs`). Inserts go through the bulk path in cdr-store.ts; reads use this. */
export interface CdrRecord {
  id: string;
  bridgeId: string;
  recordId: string;
  fingerprint: string;
  conferenceId: string;
  bookingId?: string | null;
  customerAccount: string;
  accessType: string;
  callerNumber?: string | null;
  calledNumber?: string | null;
  startTime: Date;
  answerTime?: Date | null;
  endTime: Date;
  durationSeconds: number;
  features: string[];
  receivedAt: Date;
  ratingStatus: 'rated' | 'unrated';
  unratedReason?: string | null;
}

export const CdrRecordSchema = new EntitySchema<CdrRecord>({
  name: 'CdrRecord',
  tableName: 'cdrs',
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    bridgeId: { type: 'text' },
    recordId: { type: 'text' },
    fingerprint: { type: 'text' },
    conferenceId: { type: 'text' },
    bookingId: { type: 'text', nullable: true },
    customerAccount: { type: 'text' },
    accessType: { type: 'text' },
    callerNumber: { type: 'text', nullable: true },
    calledNumber: { type: 'text', nullable: true },
    startTime: { type: 'Date', columnType: 'timestamptz' },
    answerTime: { type: 'Date', columnType: 'timestamptz', nullable: true },
    endTime: { type: 'Date', columnType: 'timestamptz' },
    durationSeconds: { type: 'integer' },
    features: { type: 'string[]', columnType: 'text[]' },
    receivedAt: { type: 'Date', columnType: 'timestamptz' },
    ratingStatus: { type: 'text' },
    unratedReason: { type: 'text', nullable: true },
  },
});

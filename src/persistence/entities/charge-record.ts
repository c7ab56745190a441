import { EntitySchema } from '@mikro-orm/core';

/** A priced CDR (table `charges`). `amount` is a decimal string from a `numeric` column, never a float. */
export interface ChargeRecord {
  id: string;
  cdrId: string;
  customerAccount: string;
  callStart: Date;
  amount: string;
  currency: string;
  ruleSetHash: string;
  firedRules: string[];
  explanation: unknown;
  createdAt: Date;
  supersededAt?: Date | null;
}

export const ChargeRecordSchema = new EntitySchema<ChargeRecord>({
  name: 'ChargeRecord',
  tableName: 'charges',
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    cdrId: { type: 'bigint' },
    customerAccount: { type: 'text' },
    callStart: { type: 'Date', columnType: 'timestamptz' },
    amount: { type: 'decimal', columnType: 'numeric' },
    currency: { type: 'text', columnType: 'char(3)' },
    ruleSetHash: { type: 'text' },
    firedRules: { type: 'string[]', columnType: 'text[]' },
    explanation: { type: 'json', columnType: 'jsonb' },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    supersededAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
  },
});

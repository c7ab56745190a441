import { BigIntType, EntitySchema } from '@mikro-orm/core';

/**
 * A row of `contracts`. Its customer is named by external id (the column references
 * customers.external_id, not the key), so it is a plain property, not a relation.
 * Decimals are strings from `numeric` columns, never floats.
 */
export interface ContractRecord {
  id: string;
  externalId: string;
  customerExternalId: string;
  pricePlan?: string | null;
  discountPercent?: string | null;
  specialPrices: { accessType: string; zone?: string | null; ratePerMinute: string }[];
  includedMinutes: string;
  minimumCommitment?: string | null;
  billingCycle: string;
  anchorDay: number;
  validFrom: Date;
  validTo?: Date | null;
  signedAt?: Date | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export const ContractRecordSchema = new EntitySchema<ContractRecord>({
  name: 'ContractRecord',
  tableName: 'contracts',
  properties: {
    // As a string: ids go into page tokens and SQL bindings, never into arithmetic.
    id: { type: new BigIntType('string'), primary: true, autoincrement: true },
    externalId: { type: 'text', unique: true },
    customerExternalId: { type: 'text' },
    pricePlan: { type: 'text', nullable: true },
    discountPercent: { type: 'decimal', columnType: 'numeric', nullable: true },
    specialPrices: { type: 'json', columnType: 'jsonb' },
    includedMinutes: { type: 'decimal', columnType: 'numeric' },
    minimumCommitment: { type: 'decimal', columnType: 'numeric', nullable: true },
    billingCycle: { type: 'text' },
    anchorDay: { type: 'integer' },
    validFrom: { type: 'Date', columnType: 'timestamptz' },
    validTo: { type: 'Date', columnType: 'timestamptz', nullable: true },
    signedAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
    version: { type: 'integer' },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    updatedAt: { type: 'Date', columnType: 'timestamptz' },
  },
});

import { BigIntType, EntitySchema } from '@mikro-orm/core';

/** A row of `customers`. Reads go through the EntityManager; versioned upserts are SQL (customer-store.ts). */
export interface CustomerRecord {
  id: string;
  externalId: string;
  name: string;
  email?: string | null;
  vatNumber?: string | null;
  countryCode?: string | null;
  currency: string;
  timeZone: string;
  paymentTermsDays: number;
  address: { lines?: string[]; postalCode?: string; city?: string; countryCode?: string };
  registrationNumber?: string | null;
  electronicAddressScheme?: string | null;
  electronicAddressId?: string | null;
  buyerReference?: string | null;
  orderReference?: string | null;
  invoiceLineGrouping?: string | null;
  callSpecification?: boolean;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export const CustomerRecordSchema = new EntitySchema<CustomerRecord>({
  name: 'CustomerRecord',
  tableName: 'customers',
  properties: {
    // As a string: ids go into page tokens and SQL bindings, never into arithmetic.
    id: { type: new BigIntType('string'), primary: true, autoincrement: true },
    externalId: { type: 'text', unique: true },
    name: { type: 'text' },
    email: { type: 'text', nullable: true },
    vatNumber: { type: 'text', nullable: true },
    countryCode: { type: 'text', columnType: 'char(2)', nullable: true },
    currency: { type: 'text', columnType: 'char(3)' },
    timeZone: { type: 'text' },
    paymentTermsDays: { type: 'integer' },
    address: { type: 'json', columnType: 'jsonb' },
    registrationNumber: { type: 'text', nullable: true },
    electronicAddressScheme: { type: 'text', nullable: true },
    electronicAddressId: { type: 'text', nullable: true },
    buyerReference: { type: 'text', nullable: true },
    orderReference: { type: 'text', nullable: true },
    invoiceLineGrouping: { type: 'text', nullable: true },
    callSpecification: { type: 'boolean', default: false },
    version: { type: 'integer' },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    updatedAt: { type: 'Date', columnType: 'timestamptz' },
  },
});

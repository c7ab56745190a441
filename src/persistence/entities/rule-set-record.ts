import { EntitySchema } from '@mikro-orm/core';

/** Every rule set that was ever loaded to price charges, kept so any charge traces to its exact files. */
export interface RuleSetRecord {
  hash: string;
  name: string;
  version: string;
  effectiveFrom: Date;
  currency: string;
  files: { path: string; sha256: string; content: string }[];
  firstLoadedAt: Date;
}

export const RuleSetRecordSchema = new EntitySchema<RuleSetRecord>({
  name: 'RuleSetRecord',
  tableName: 'rule_sets',
  properties: {
    hash: { type: 'text', primary: true },
    name: { type: 'text' },
    version: { type: 'text' },
    effectiveFrom: { type: 'Date', columnType: 'timestamptz' },
    currency: { type: 'text', columnType: 'char(3)' },
    files: { type: 'json', columnType: 'jsonb' },
    firstLoadedAt: { type: 'Date', columnType: 'timestamptz' },
  },
});

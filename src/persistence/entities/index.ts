import { CdrRecordSchema } from './cdr-record';
import { ChargeRecordSchema } from './charge-record';
import { RuleSetRecordSchema } from './rule-set-record';

export const entities = [CdrRecordSchema, ChargeRecordSchema, RuleSetRecordSchema];

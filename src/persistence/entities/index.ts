/**
 * The tables read and written through the EntityManager. Tables only touched by hand-written SQL
 * (cdrs, charges, rule_sets, the outbox, idempotency keys) have no entity: one would be dead code.
 */
import { BookingRecordSchema } from './booking-record';
import { ContractRecordSchema } from './contract-record';
import { CustomerRecordSchema } from './customer-record';

export const entities = [CustomerRecordSchema, ContractRecordSchema, BookingRecordSchema];

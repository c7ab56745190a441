/**
 * Migration20261204001400NarrowCharges: charges stored before it keep their explanation as it was;
 * after it a charge may hold the facts it was priced with instead of the words, but never neither.
 */
import { describe, expect, it } from 'vitest';
import { rowsOf } from '../../src/persistence/sql-helpers';
import { useUnmigratedDatabase } from '../support/unmigrated-database';

const BEFORE = 'Migration20261203010000DocumentOutbox';

const { knex, migrateUpTo } = useUnmigratedDatabase();

async function insertCharge(recordId: string, columns: { explanation?: object; facts?: object }) {
  const withFacts = columns.facts !== undefined;
  await knex().raw(
    `with cdr as (
       insert into cdrs (bridge_id, record_id, fingerprint, conference_id, customer_account, access_type, start_time, end_time,
                         duration_seconds, rating_status)
       values ('b', ?, ?, 'conf-1', 'OLD', 'dial_out', '2026-10-05T09:00:00Z', '2026-10-05T09:01:00Z', 60, 'rated')
       returning id
     )
     insert into charges (cdr_id, customer_account, call_start, amount, currency, rule_set_hash, fired_rules, explanation,
                          zone, billed_seconds, parts${withFacts ? ', pricing_facts' : ''})
     select id, 'OLD', '2026-10-05T09:00:00Z', 1.25, 'EUR', 'rules', '{}', ?::jsonb, '', 60, '[]'${withFacts ? ', ?::jsonb' : ''} from cdr`,
    [
      recordId,
      recordId,
      columns.explanation ? JSON.stringify(columns.explanation) : null,
      ...(withFacts ? [JSON.stringify(columns.facts)] : []),
    ],
  );
}

describe('the narrow charges migration', () => {
  it('keeps stored explanations and requires words or facts on every charge', async () => {
    await migrateUpTo(BEFORE);
    await knex().raw(
      `insert into rule_sets (hash, name, version, effective_from, currency, files)
       values ('rules', 'r', '1', '2020-01-01T00:00:00Z', 'EUR', '[]')`,
    );
    await insertCharge('old-1', { explanation: { summary: 'as stored before' } });
    await migrateUpTo();

    const old = rowsOf<{ explanation: unknown; pricing_facts: unknown }>(
      await knex().raw(`select explanation, pricing_facts from charges`),
    );
    expect(old).toHaveLength(1);
    expect(
      typeof old[0]!.explanation === 'string' ? JSON.parse(old[0]!.explanation) : old[0]!.explanation,
    ).toEqual({
      summary: 'as stored before',
    });
    expect(old[0]!.pricing_facts).toBeNull();

    await insertCharge('new-1', { facts: { customer: { timeZone: 'UTC', currency: 'EUR' } } });
    await expect(insertCharge('neither', {})).rejects.toThrow(/charges_explained/);
  });
});

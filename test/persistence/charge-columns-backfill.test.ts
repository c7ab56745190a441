/**
 * Migration20261202000000ChargeColumns: charges stored before it (zone and billed seconds only in
 * their explanation) get the columns filled with what invoices counted for them until then: the
 * explanation's zone or "", and its bands' billed seconds, or the CDR's duration without bands.
 */
import { describe, expect, it } from 'vitest';
import { rowsOf } from '../../src/persistence/sql-helpers';
import { useUnmigratedDatabase } from '../support/unmigrated-database';

const BEFORE = 'Migration20261201000000ServiceSecrets';

const { db, knex, migrateUpTo } = useUnmigratedDatabase();

/** A rated CDR and its charge, inserted as the service stored them before the migration. */
async function insertOldCharge(
  recordId: string,
  durationSeconds: number,
  explanation: object,
): Promise<void> {
  await knex().raw(
    `with cdr as (
       insert into cdrs (bridge_id, record_id, fingerprint, conference_id, customer_account, access_type, start_time, end_time,
                         duration_seconds, rating_status)
       values ('old-bridge', ?, ?, 'conf-1', 'OLD', 'dial_out', '2026-10-05T09:00:00Z',
               '2026-10-05T09:00:00Z'::timestamptz + make_interval(secs => ?), ?, 'rated')
       returning id
     )
     insert into charges (cdr_id, customer_account, call_start, amount, currency, rule_set_hash, fired_rules, explanation)
     select id, 'OLD', '2026-10-05T09:00:00Z', 1.25, 'EUR', 'old-rules', '{}', ?::jsonb from cdr`,
    [recordId, recordId, durationSeconds, durationSeconds, JSON.stringify(explanation)],
  );
}

describe('the charge columns migration', () => {
  it('backfills zone and billed seconds of charges stored before it from their explanation', async () => {
    expect(await migrateUpTo(BEFORE)).toContain(BEFORE);
    await knex().raw(
      `insert into rule_sets (hash, name, version, effective_from, currency, files)
       values ('old-rules', 'old', '1', '2020-01-01T00:00:00Z', 'EUR', '[]')`,
    );
    const band = (billedSeconds: number) => ({
      name: 'peak',
      seconds: 1,
      billedSeconds,
      rate: '0.1',
      amount: '0',
    });
    await insertOldCharge('zoned', 125, { zone: 'SE-mobile', bands: [band(60), band(66)], summary: 'x' });
    await insertOldCharge('no-zone', 30, { bands: [band(60)], summary: 'x' });
    await insertOldCharge('no-bands', 0, { zone: 'SE-fixed', bands: [], summary: '0 s' });
    await insertOldCharge('bare', 45, { summary: 'an explanation without zone or bands' });

    // Later migrations run too; this one comes first, and the priced-parts backfill after it (below).
    const ran = await db().migrate();
    expect(ran[0]).toBe('Migration20261202000000ChargeColumns');
    expect(ran).toContain('Migration20261203000000PricedParts');

    const rows = rowsOf<{ record_id: string; zone: string; billed_seconds: number }>(
      await knex().raw(
        `select d.record_id, c.zone, c.billed_seconds from charges c join cdrs d on d.id = c.cdr_id order by d.record_id`,
      ),
    );
    expect(rows).toEqual([
      { record_id: 'bare', zone: '', billed_seconds: 45 },
      { record_id: 'no-bands', zone: 'SE-fixed', billed_seconds: 0 },
      { record_id: 'no-zone', zone: '', billed_seconds: 60 },
      { record_id: 'zoned', zone: 'SE-mobile', billed_seconds: 126 },
    ]);
    // Migration20261203000000PricedParts: each old charge becomes one part, the call at its own amount.
    const parts = rowsOf<{ parts: unknown }>(await knex().raw(`select parts from charges`));
    expect(parts).toHaveLength(4);
    for (const p of parts)
      expect(typeof p.parts === 'string' ? JSON.parse(p.parts) : p.parts).toEqual([
        { kind: 'usage', quantity: '1', unitCode: 'C62', price: '1.25', baseQuantity: '1' },
      ]);
  });

  it('makes zone and billed seconds required, so a writer that forgets one fails instead of billing it empty', async () => {
    const copy = (column: 'zone' | 'billed_seconds') =>
      knex().raw(
        `insert into charges (cdr_id, customer_account, call_start, amount, currency, rule_set_hash, fired_rules, explanation, ${column})
         select cdr_id, customer_account, call_start, amount, currency, rule_set_hash, fired_rules, explanation, ${column}
         from charges limit 1`,
      );
    await expect(copy('zone')).rejects.toThrow(/billed_seconds/);
    await expect(copy('billed_seconds')).rejects.toThrow(/zone/);
  });

  it('is pending no more once applied', async () => {
    expect(await db().migrate()).toEqual([]);
  });
});

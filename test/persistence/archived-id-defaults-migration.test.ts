/**
 * Migration20261206000900ArchivedIdDefaults: a month archived the old way (its partitions detached
 * and moved with their id default, nextval of the live sequence) no longer depends on the live
 * tables, so the live sequence could be dropped; the archived rows are as they were.
 */
import { describe, expect, it } from 'vitest';
import { rowsOf } from '../../src/persistence/sql-helpers';
import { useUnmigratedDatabase } from '../support/unmigrated-database';

const BEFORE = 'Migration20261206000100InvoiceLinesInsertCheck';

const { knex, migrateUpTo } = useUnmigratedDatabase();

async function archiveTheOldWay(table: string, parent: string): Promise<void> {
  await knex().raw(`alter table ?? detach partition ??`, [parent, table]);
  await knex().raw(`create schema if not exists billing_archive`);
  await knex().raw(`alter table ?? set schema billing_archive`, [table]);
}

const idDefaults = async () =>
  rowsOf<{ table_name: string; column_default: string | null }>(
    await knex().raw(
      `select table_name, column_default from information_schema.columns
       where table_schema = 'billing_archive' and column_name = 'id' order by 1`,
    ),
  );

describe('the archived id defaults migration', () => {
  it('frees months archived before it from the live sequences and keeps their rows', async () => {
    await migrateUpTo(BEFORE);
    await knex().raw(`select billing_ensure_month_partitions('2026-01-10Z', '2026-01-10Z')`);
    await knex().raw(
      `insert into cdrs (bridge_id, record_id, fingerprint, conference_id, customer_account, access_type, start_time,
                         end_time, duration_seconds, rating_status)
       values ('b', 'r1', 'f', 'conf-1', 'OLD', 'dial_out', '2026-01-10T09:00:00Z', '2026-01-10T09:01:00Z', 60, 'rated')`,
    );
    await archiveTheOldWay('cdrs_2026_01', 'cdrs');
    await archiveTheOldWay('charges_2026_01', 'charges');
    expect((await idDefaults()).map((d) => d.column_default)).toEqual([
      expect.stringMatching(/^nextval/),
      expect.stringMatching(/^nextval/),
    ]);

    await migrateUpTo();
    expect(await idDefaults()).toEqual([
      { table_name: 'cdrs_2026_01', column_default: null },
      { table_name: 'charges_2026_01', column_default: null },
    ]);
    const archived = rowsOf<{ record_id: string }>(
      await knex().raw(`select record_id from billing_archive.cdrs_2026_01`),
    );
    expect(archived).toEqual([{ record_id: 'r1' }]);
    // Nothing archived holds on to the live sequence any more.
    await knex().raw(`alter table cdrs alter column id drop default`);
    await knex().raw(`drop sequence cdr_ids`);
  });
});

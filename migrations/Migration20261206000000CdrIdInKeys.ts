import { Migration } from '@mikro-orm/migrations';

/**
 * The dedup key hands out the CDR's id (issue 14, ingest): `cdr_keys.cdr_id`, taken from the
 * `cdr_ids` sequence as the key is inserted, is the id the CDR row is stored under. A record found
 * by its key is then read by (id, start_time), the partitions' primary key, so `cdrs` no longer
 * needs its own index on (bridge_id, record_id): one index fewer to write per CDR.
 *
 * Keys stored before this migration get the id of their CDR; one whose month retention archived
 * already keeps NULL, which reads as "archived", as the missing row did before.
 */
export class Migration20261206000000CdrIdInKeys extends Migration {
  override up(): void {
    this.addSql(`alter table cdr_keys add column cdr_id bigint`);
    this.addSql(`
      update cdr_keys k set cdr_id = d.id
      from cdrs d
      where d.bridge_id = k.bridge_id and d.record_id = k.record_id and d.start_time = k.start_time`);
    this.addSql(`drop index cdrs_bridge_record_idx`);
  }

  override down(): void {
    this.addSql(`create index cdrs_bridge_record_idx on cdrs (bridge_id, record_id)`);
    this.addSql(`alter table cdr_keys drop column cdr_id`);
  }
}

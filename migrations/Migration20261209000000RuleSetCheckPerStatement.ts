import { Migration } from '@mikro-orm/migrations';

/**
 * A charge still names an archived rule set, checked once per statement instead of once per row
 * (issue 14). The foreign key charges.rule_set_hash -> rule_sets(hash) ran a lookup with a row lock
 * (FOR KEY SHARE) on the same few rule_sets rows for every charge: replaying a stream's batch of
 * 500, about a quarter of the ingest statement's time.
 *
 * What the foreign key guaranteed, and what guarantees it now:
 * - A charge names a rule set that is in the archive: after each statement that inserts charges,
 *   one query over the statement's new rows (a transition table) looks for a hash not in
 *   `rule_sets` and fails the statement, with the foreign key's SQLSTATE (23503).
 * - A charge's rule set is not changed to one that is not archived: a charge's rule set never
 *   changes (a rerate supersedes the charge with a new one), so changing it is refused outright.
 * - An archived rule set that a charge names is not removed: the archive is append-only (nothing
 *   in the service deletes or rewrites a rule set; a charge's explanation is rebuilt from it), so
 *   deleting, truncating or re-keying `rule_sets` is refused outright. With nothing ever removed,
 *   no lock is needed against a removal racing an insert.
 *
 * The statement trigger sits on the partitioned table, so it sees rows inserted through `charges`,
 * as every writer of the service does; a row written straight into a month's partition is not
 * checked.
 */
export class Migration20261209000000RuleSetCheckPerStatement extends Migration {
  override up(): void {
    this.addSql(`
      do $$
      declare name text;
      begin
        for name in
          select conname from pg_constraint
          where conrelid = 'charges'::regclass and contype = 'f' and confrelid = 'rule_sets'::regclass
        loop
          execute format('alter table charges drop constraint %I', name);
        end loop;
      end $$`);

    this.addSql(`
      create function charges_refuse_unarchived_rule_sets() returns trigger language plpgsql as $$
      declare missing text;
      begin
        select n.rule_set_hash into missing
        from (select distinct rule_set_hash from new_charges) n
        where not exists (select 1 from rule_sets r where r.hash = n.rule_set_hash)
        limit 1;
        if found then
          raise exception 'a charge names rule set %, which is not in the archive (rule_sets)', missing
            using errcode = '23503', hint = 'archive a rule set before pricing with it';
        end if;
        return null;
      end $$`);
    this.addSql(`
      create trigger charges_rule_set_archived after insert on charges
        referencing new table as new_charges
        for each statement execute function charges_refuse_unarchived_rule_sets()`);

    this.addSql(`
      create function charges_refuse_rule_set_change() returns trigger language plpgsql as $$
      begin
        raise exception 'a charge''s rule set never changes; a rerate supersedes the charge with a new one'
          using errcode = '23503';
      end $$`);
    this.addSql(`
      create trigger charges_rule_set_fixed before update of rule_set_hash on charges
        for each row when (old.rule_set_hash is distinct from new.rule_set_hash)
        execute function charges_refuse_rule_set_change()`);

    this.addSql(`
      create function rule_sets_refuse_removal() returns trigger language plpgsql as $$
      begin
        raise exception 'the rule set archive is append-only: charges name their rule sets by hash'
          using errcode = '23503';
      end $$`);
    this.addSql(`
      create trigger rule_sets_append_only before delete or update of hash on rule_sets
        for each row execute function rule_sets_refuse_removal()`);
    this.addSql(`
      create trigger rule_sets_not_truncated before truncate on rule_sets
        for each statement execute function rule_sets_refuse_removal()`);
  }

  override down(): void {
    this.addSql(`drop trigger rule_sets_not_truncated on rule_sets`);
    this.addSql(`drop trigger rule_sets_append_only on rule_sets`);
    this.addSql(`drop function rule_sets_refuse_removal()`);
    this.addSql(`drop trigger charges_rule_set_fixed on charges`);
    this.addSql(`drop function charges_refuse_rule_set_change()`);
    this.addSql(`drop trigger charges_rule_set_archived on charges`);
    this.addSql(`drop function charges_refuse_unarchived_rule_sets()`);
    this.addSql(`alter table charges add foreign key (rule_set_hash) references rule_sets (hash)`);
  }
}

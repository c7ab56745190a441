import { Migration } from '@mikro-orm/migrations';

/**
 * A request key's stored response becomes the JSON text the service answered, not jsonb.
 *
 * jsonb refuses the escape of a NUL character (\u0000), and a refused record's result echoes the
 * ids it was sent: a SubmitCdrs with a NUL in one record id failed whole with INTERNAL, its valid
 * records rolled back, where that record alone should have been REJECTED. JSON text holds the
 * escape as six plain characters and gives back exactly the response first sent. Nothing queries
 * into the stored responses; they are only read back whole.
 */
export class Migration20261211000000RequestResponsesAsText extends Migration {
  override up(): void {
    this.addSql(`alter table idempotency_keys alter column response type text using response::text`);
  }

  override down(): void {
    this.addSql(`alter table idempotency_keys alter column response type jsonb using response::jsonb`);
  }
}

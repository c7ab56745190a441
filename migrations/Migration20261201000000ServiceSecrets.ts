import { Migration } from '@mikro-orm/migrations';

/**
 * Secrets every replica must share, such as the key that signs page tokens: kept in the database
 * so replicas agree and a restart keeps tokens valid. The value is written by the first service to
 * start (src/persistence/service-secrets.ts), never by a migration, so it is not in any source file.
 */
export class Migration20261201000000ServiceSecrets extends Migration {
  override up(): void {
    this.addSql(
      `create table service_secrets (name text primary key, value bytea not null, created_at timestamptz not null default now())`,
    );
  }

  override down(): void {
    this.addSql('drop table service_secrets');
  }
}

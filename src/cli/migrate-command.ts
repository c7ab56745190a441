import type { Command } from 'commander';
import { openBillingDatabaseOnly } from './open-billing';

/** `billing migrate`: applies pending migrations and exits (the service also does this at start). */
export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations')
    .action(async () => {
      const database = await openBillingDatabaseOnly();
      try {
        const applied = await database.migrate();
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
      } finally {
        await database.close();
      }
    });
}

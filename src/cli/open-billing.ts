/**
 * What CLI commands that work on stored data need: the database (migrated), the live rule book
 * and the ingest dependencies, built the same way the service builds them.
 */
import type { Invoicing } from '../app/invoicing/invoicing';
import type { Rerating } from '../app/invoicing/rerate-charges';
import { RatingRuntime } from '../app/rating/rating-runtime';
import { systemClock } from '../app/clock';
import { composeInvoicing } from '../compose/invoicing';
import { loadInvoicingConfig } from '../config/invoicing-config';
import type { IngestDeps } from '../app/ingest/ingest-cdrs';
import { loadConfig, type Config } from '../config/config';
import { createLogger } from '../observability/logger';
import { PostgresCdrStore } from '../persistence/cdr-store';
import { PostgresCustomerDirectory } from '../persistence/customer-directory';
import { PostgresBookingDirectory } from '../persistence/booking-directory';
import { openDatabase, type Database } from '../persistence/database';
import { PostgresRuleSetArchive } from '../persistence/rule-set-archive';
import { ruleDirectory } from '../rules-files/rule-directory';

export interface BillingCore {
  config: Config;
  database: Database;
  rating: RatingRuntime;
  ingest: IngestDeps;
  invoicing: Invoicing;
  rerating: Rerating;
  close(): Promise<void>;
}

export async function openBilling(options: { rulesDir?: string } = {}): Promise<BillingCore> {
  const config = loadConfig();
  const logger = createLogger(process.env.BILLING_LOG_LEVEL ?? 'warn');
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await database.migrate();
  const rating = new RatingRuntime(
    ruleDirectory(options.rulesDir ?? config.rulesDir),
    new PostgresRuleSetArchive(database),
    logger,
  );
  await rating.reload();
  return {
    config,
    database,
    rating,
    ...composeInvoicing(database, rating, loadInvoicingConfig(process.env), systemClock),
    ingest: {
      now: () => systemClock.now(),
      store: new PostgresCdrStore(database),
      rater: rating,
      customers: new PostgresCustomerDirectory(database),
      bookings: new PostgresBookingDirectory(database),
    },
    close: () => database.close(),
  };
}

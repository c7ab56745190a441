/**
 * The composition root of everything but the transport: the database, the live rule book, the
 * stores and directories, and the use cases' deps, each built once. `billing serve`
 * (src/service.ts adds gRPC on top), every CLI command and the benchmarks open the same core, so
 * a CDR ingested, an invoice closed or a rule book loaded from any of them is built the same way.
 */
import type { BookingStore } from '../app/bookings/ports';
import { systemClock, type Clock } from '../app/clock';
import type { CustomerStore } from '../app/customers/ports';
import type { CdrKey } from '../domain/cdr';
import { explainCharge, type ExplainedCharge } from '../app/ingest/explain-charge';
import type { KeyedIngestDeps } from '../app/ingest/ingest-cdrs';
import type { BookingDirectory, CustomerDirectory } from '../app/ingest/ports';
import type { BookkeepingUseCases } from '../app/bookkeeping/bookkeeping-use-cases';
import type { MailingListUseCases } from '../app/invoicing/mailing-list';
import type { UnratedQueue } from '../app/ingest/retry-unrated';
import type { InvoicingUseCases, ReratingUseCases } from '../app/invoicing/invoicing-use-cases';
import type { RequestLedger } from '../app/mutations';
import type { RuleSetHistory } from '../app/rating/ports';
import { RatingRuntime } from '../app/rating/rating-runtime';
import { loadBookkeepingConfig, type BookkeepingConfig } from '../config/bookkeeping-config';
import type { Config } from '../config/config';
import { loadInvoicingConfig, type InvoicingConfig } from '../config/invoicing-config';
import type { Logger } from '../observability/logger';
import { PostgresBookingDirectory } from '../persistence/booking-directory';
import { PostgresBookingStore } from '../persistence/booking-store';
import { PostgresCdrStore } from '../persistence/cdr-store';
import { PostgresCustomerDirectory } from '../persistence/customer-directory';
import { PostgresCustomerStore } from '../persistence/customer-store';
import { openDatabase, type Database } from '../persistence/database';
import { PostgresRequestLedger } from '../persistence/request-ledger';
import { PostgresRuleSetArchive } from '../persistence/rule-set-archive';
import { PostgresUnratedQueue } from '../persistence/unrated-cdr-queue';
import { DatabaseUnreachableError } from '../persistence/wait-for-database';
import { ruleDirectory } from '../rules-files/rule-directory';
import { composeInvoicing } from './invoicing';

export interface BillingCore {
  config: Config;
  clock: Clock;
  database: Database;
  /** The live rule book; loaded unless the core was opened with `loadRules: false`. */
  rating: RatingRuntime;
  /** Every rule set that ever went live, kept so old charges can be explained and re-rated. */
  ruleSets: RuleSetHistory;
  invoicingConfig: InvoicingConfig;
  customerDirectory: CustomerDirectory;
  bookingDirectory: BookingDirectory;
  customers: CustomerStore;
  bookings: BookingStore;
  unrated: UnratedQueue;
  requests: RequestLedger;
  /** ingestCdrs' deps: the gRPC stream, SubmitCdrs and `billing import-cdrs` price and store alike. */
  ingest: KeyedIngestDeps;
  invoicing: InvoicingUseCases;
  rerating: ReratingUseCases;
  /** A stored charge's explanation, in the words rating gave when it priced the call. */
  explainCharge: (key: CdrKey) => Promise<ExplainedCharge>;
  /** The SIE export of a month's issued documents. */
  bookkeeping: BookkeepingUseCases;
  /** The customers to send a month's invoices to (the console's and the CLI's mailing list). */
  mailing: MailingListUseCases;
  close(): Promise<void>;
}

export interface BillingCoreOptions {
  config: Config;
  logger: Logger;
  /** Where "now" comes from for every use case (tests and benchmarks pin it); default the system clock. */
  clock?: Clock;
  /** Rule files to load instead of config.rulesDir. */
  rulesDir?: string;
  /** False for commands that never price (no rule files read, nothing validated). Default true. */
  loadRules?: boolean;
  /**
   * False for read-only reports (reconcile, mailing-list): they read the schema as it is and never
   * change it as a side effect. Default true: the service and commands that write migrate first.
   */
  migrate?: boolean;
  /** Told of every rule reload (the service counts them in its metrics). */
  onRuleReload?: (result: 'applied' | 'refused') => void;
  /** Default: read from the environment (BILLING_CLOSE_*, see src/config/invoicing-config.ts). */
  invoicingConfig?: InvoicingConfig;
  /** Default: read from the environment (BILLING_BOOKKEEPING_FILE, see src/config/bookkeeping-config.ts). */
  bookkeepingConfig?: BookkeepingConfig;
  /** How long opening waits for an unreachable PostgreSQL server: the service waits, one-shot commands do not (0). */
  databaseWaitMs?: number;
  /** PostgreSQL pool size (default in src/persistence/database.ts). */
  poolSize?: number;
}

/** Opens the database (PostgreSQL or embedded, as configured) without migrating it. */
export async function openBillingDatabase(
  config: Config,
  logger: Logger,
  options: { waitMs?: number; poolSize?: number } = {},
): Promise<Database> {
  try {
    return await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      waitMs: options.waitMs ?? 0,
      poolSize: options.poolSize,
      logger,
    });
  } catch (error) {
    // Past the start-up wait: say why, once, before the caller fails (`billing serve` exits non-zero).
    if (error instanceof DatabaseUnreachableError && options.waitMs !== undefined) {
      logger.fatal(
        { reason: error.message, waitMs: options.waitMs },
        `giving up: ${error.message} (waited BILLING_DATABASE_WAIT_MS=${options.waitMs})`,
      );
    }
    throw error;
  }
}

/** Opens and migrates the database, loads the rule book and builds every store and use case once. */
export async function openBillingCore(options: BillingCoreOptions): Promise<BillingCore> {
  const { config, logger } = options;
  const clock = options.clock ?? systemClock;
  const database = await openBillingDatabase(config, logger, {
    waitMs: options.databaseWaitMs,
    poolSize: options.poolSize,
  });
  try {
    const applied = options.migrate === false ? [] : await database.migrate();
    logger.info({ database: database.kind, migrationsApplied: applied }, 'database ready');

    // The one place the rating runtime is built: the rule-file source it reads is chosen here.
    const ruleSets = new PostgresRuleSetArchive(database);
    const rating = new RatingRuntime(
      ruleDirectory(options.rulesDir ?? config.rulesDir),
      ruleSets,
      logger,
      options.onRuleReload,
      clock,
    );
    if (options.loadRules ?? true) await rating.reload();

    const invoicingConfig = options.invoicingConfig ?? loadInvoicingConfig(process.env);
    const bookkeepingConfig = options.bookkeepingConfig ?? loadBookkeepingConfig(process.env);
    const customerDirectory = new PostgresCustomerDirectory(database);
    const bookingDirectory = new PostgresBookingDirectory(database);
    const cdrStore = new PostgresCdrStore(database);
    return {
      config,
      clock,
      database,
      rating,
      ruleSets,
      invoicingConfig,
      customerDirectory,
      bookingDirectory,
      customers: new PostgresCustomerStore(database),
      bookings: new PostgresBookingStore(database),
      unrated: new PostgresUnratedQueue(database),
      requests: new PostgresRequestLedger(database),
      ingest: {
        now: () => clock.now(),
        store: cdrStore,
        rater: rating,
        customers: customerDirectory,
        bookings: bookingDirectory,
      },
      explainCharge: (key) =>
        explainCharge({ charges: cdrStore, archivedRuleSet: (hash) => ruleSets.compiled(hash) }, key),
      ...composeInvoicing({
        database,
        rating,
        archive: ruleSets,
        customers: customerDirectory,
        bookings: bookingDirectory,
        config: invoicingConfig,
        bookkeeping: bookkeepingConfig,
        clock,
      }),
      close: () => database.close(),
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}

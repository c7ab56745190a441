/**
 * The composition root: the one place that builds the parts and wires them together.
 * Domain and use-case code never reach for configuration, the ORM or gRPC themselves.
 */
import fs from 'node:fs';
import { HealthState } from 'nice-grpc-server-health';
import { ensureAdminToken, TokenStore } from './auth/token-store';
import type { Config } from './config/config';
import type { Logger } from './observability/logger';
import { Metrics, serveMetrics } from './observability/metrics';
import { openDatabase, type Database } from './persistence/database';
import { DatabaseUnreachableError } from './persistence/wait-for-database';
import { sharedSecret } from './persistence/service-secrets';
import { PostgresRequestLedger } from './persistence/request-ledger';
import { usePageTokenKey } from './app/paging';
import { PostgresCdrStore } from './persistence/cdr-store';
import { PostgresCustomerDirectory } from './persistence/customer-directory';
import { PostgresBookingDirectory } from './persistence/booking-directory';
import { PostgresRuleSetArchive } from './persistence/rule-set-archive';
import { PostgresUnratedQueue } from './persistence/unrated-cdr-queue';
import { PostgresCustomerStore } from './persistence/customer-store';
import { PostgresBookingStore } from './persistence/booking-store';
import { RatingRuntime } from './app/rating/rating-runtime';
import { candidateRuleFiles } from './rules-files/candidate';
import { ruleDirectory } from './rules-files/rule-directory';
import { systemClock, type Clock } from './app/clock';
import { loadInvoicingConfig } from './config/invoicing-config';
import { PeriodCloseScheduler } from './app/invoicing/period-close-scheduler';
import { composeInvoicing } from './compose/invoicing';
import { accessPolicy } from './transport/grpc/access-policy';
import { authorizeCall } from './transport/grpc/authorize-call';
import { createGrpcServer } from './transport/grpc/grpc-server';
import { billingServices } from './transport/grpc/services/index';

const DESCRIPTOR_SET = new URL('./gen/billing.binpb', import.meta.url);
const HEALTH_PROBE_MS = 1_000;

export interface RunningService {
  /** The bound gRPC port (useful with BILLING_LISTEN_ADDR=127.0.0.1:0). */
  port: number;
  metricsPort?: number;
  database: Database;
  metrics: Metrics;
  rating: RatingRuntime;
  /** Graceful stop, bounded by config.shutdownTimeoutMs: 'forced' when calls had to be cancelled. */
  stop(): Promise<'graceful' | 'forced'>;
}

export interface ServiceOptions {
  /** Where "now" comes from for every use case, the scheduler and the server; tests pin it. */
  clock?: Clock;
}

export async function startService(
  config: Config,
  logger: Logger,
  options: ServiceOptions = {},
): Promise<RunningService> {
  const clock = options.clock ?? systemClock;
  const metrics = new Metrics();
  const database = await openDatabaseOrGiveUp(config, logger);
  const applied = await database.migrate();
  logger.info({ database: database.kind, migrationsApplied: applied }, 'database ready');
  usePageTokenKey(await sharedSecret(database, 'page_token_key'));

  const rating = new RatingRuntime(
    ruleDirectory(config.rulesDir),
    new PostgresRuleSetArchive(database),
    logger,
    (result) => metrics.ruleReloads.inc({ result }),
    clock,
  );
  await rating.reload();
  metrics.observeRuleSets(() => rating.liveView);
  const stopWatchingRules = rating.watch();

  const invoicingConfig = loadInvoicingConfig(process.env);
  const { invoicing, rerating } = composeInvoicing(database, rating, invoicingConfig, clock);
  const customerDirectory = new PostgresCustomerDirectory(database);
  const bookingDirectory = new PostgresBookingDirectory(database);
  const closeScheduler = new PeriodCloseScheduler(invoicing, invoicingConfig.closeIntervalMs, logger);

  const tokens = loadTokens(config, logger);
  const health = HealthState();
  const probe = probeDatabase(database, health, logger);

  // Long-lived streams watch this signal: on shutdown they finish the batch in hand and end.
  const draining = new AbortController();
  const server = createGrpcServer({
    logger,
    metrics,
    tokens,
    policy: accessPolicy,
    health,
    descriptorSet: fs.readFileSync(DESCRIPTOR_SET),
    services: billingServices({
      logger,
      metrics,
      clock,
      ingest: {
        now: () => clock.now(),
        store: new PostgresCdrStore(database),
        rater: rating,
        customers: customerDirectory,
        bookings: bookingDirectory,
      },
      rating,
      ruleSets: new PostgresRuleSetArchive(database),
      candidates: candidateRuleFiles,
      unrated: new PostgresUnratedQueue(database),
      database,
      draining: draining.signal,
      invoicing,
      rerating,
      customers: new PostgresCustomerStore(database),
      bookings: new PostgresBookingStore(database),
      requests: new PostgresRequestLedger(database),
    }),
    authorize: (path, authorization) => {
      const verdict = authorizeCall(tokens, accessPolicy, path, authorization);
      return verdict.kind === 'refused'
        ? { code: verdict.code as number, details: verdict.details }
        : undefined;
    },
    maxReceiveMessageBytes: config.maxMessageBytes,
    maxSendMessageBytes: config.maxSendMessageBytes,
    maxConcurrentStreams: config.maxConcurrentStreams,
    tls: config.tls,
  });
  const port = await server.listen(config.listenAddr);
  closeScheduler.start();
  const metricsServer = config.metricsAddr ? await serveMetrics(metrics, config.metricsAddr) : undefined;
  logger.info(
    { listen: config.listenAddr, port, metricsPort: metricsServer?.port, tls: Boolean(config.tls) },
    'billing service serving',
  );

  let stopping: Promise<'graceful' | 'forced'> | undefined;
  return {
    port,
    metricsPort: metricsServer?.port,
    database,
    metrics,
    rating,
    stop() {
      stopping ??= (async () => {
        probe.stop();
        stopWatchingRules();
        health.setStatus('unhealthy');
        draining.abort();
        await closeScheduler.stop();
        const how = await server.shutdown(config.shutdownTimeoutMs);
        logger.info({ how }, 'gRPC server stopped');
        await metricsServer?.close();
        await database.close();
        return how;
      })();
      return stopping;
    },
  };
}

/**
 * Start-up waits for an unreachable PostgreSQL server (BILLING_DATABASE_WAIT_MS, with backoff and
 * one warn line per attempt) instead of crashing; past the budget it logs why and fails, and
 * `billing serve` exits non-zero.
 */
async function openDatabaseOrGiveUp(config: Config, logger: Logger): Promise<Database> {
  try {
    return await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      waitMs: config.databaseWaitMs,
      logger,
    });
  } catch (error) {
    if (error instanceof DatabaseUnreachableError) {
      logger.fatal(
        { reason: error.message, waitMs: config.databaseWaitMs },
        `giving up: ${error.message} (waited BILLING_DATABASE_WAIT_MS=${config.databaseWaitMs})`,
      );
    }
    throw error;
  }
}

/**
 * NOT_SERVING while the database does not answer (a load balancer then sends traffic elsewhere),
 * SERVING again once it does. One probe at a time: a hung one must not pile up behind the next.
 * Changes are logged once each, not every second.
 */
function probeDatabase(
  database: Database,
  health: ReturnType<typeof HealthState>,
  logger: Logger,
): { stop(): void } {
  let inFlight = false;
  let reachable = true;
  let stopped = false;
  const timer = setInterval(() => {
    if (inFlight || stopped) return;
    inFlight = true;
    void database
      .ping()
      .then((ok) => {
        if (stopped) return; // shutting down: NOT_SERVING stays
        health.setStatus(ok ? 'healthy' : 'unhealthy');
        if (ok !== reachable) {
          if (ok) logger.info('database reachable again: health SERVING');
          else logger.warn('database unreachable: health NOT_SERVING');
        }
        reachable = ok;
      })
      .finally(() => (inFlight = false));
  }, HEALTH_PROBE_MS);
  timer.unref();
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}

function loadTokens(config: Config, logger: Logger): TokenStore {
  if (config.tokensFile) return TokenStore.fromFile(config.tokensFile);
  const admin = ensureAdminToken(config.dataDir);
  logger.info(
    { tokenFile: admin.file, created: admin.created },
    'no BILLING_TOKENS_FILE: using the generated admin token; send it as "authorization: Bearer <token>"',
  );
  return TokenStore.fromEntries([{ name: 'local-admin', role: 'admin', token: admin.token }]);
}

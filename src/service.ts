/**
 * `billing serve`: the billing core (src/compose/billing-core.ts: database, rule book, stores, use
 * cases) with the gRPC transport, health, metrics, the period-close scheduler and the document
 * delivery worker on top.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HealthState } from 'nice-grpc-server-health';
import { ensureAdminToken, TokenStore } from './auth/token-store';
import type { Config } from './config/config';
import { loadInvoicingConfig, type InvoicingConfig } from './config/invoicing-config';
import type { Logger } from './observability/logger';
import { Metrics, serveMetrics } from './observability/metrics';
import type { Database } from './persistence/database';
import { sharedSecret } from './persistence/service-secrets';
import { usePageTokenKey } from './app/paging';
import { candidateRuleFiles } from './rules-files/candidate';
import { livePricePlans } from './app/customers/price-plans';
import type { RatingRuntime } from './app/rating/rating-runtime';
import { systemClock, type Clock } from './app/clock';
import { PeriodCloseScheduler } from './app/invoicing/period-close-scheduler';
import { openBillingCore, type BillingCore } from './compose/billing-core';
import { composeDeliveryWorker } from './compose/delivery';
import { PartitionUpkeep } from './compose/partition-upkeep';
import { PostgresOutboxStore } from './persistence/document-outbox';
import { PostgresBacktestSource } from './persistence/backtest-source';
import { accessPolicy } from './transport/grpc/access-policy';
import { authorizeCall } from './transport/grpc/authorize-call';
import { createGrpcServer } from './transport/grpc/grpc-server';
import { rpcLabels } from './transport/grpc/middleware/observability';
import type { CallAuthorizer } from './transport/grpc/interceptors/authorize-before-read';
import { startBrowserServer, type BrowserServer } from './transport/browser/browser-server';
import { CallerLanes } from './transport/browser/caller-lanes';
import { loopbackConnection } from './transport/browser/loopback-transport';
import { serviceDescriptors } from './transport/browser/service-descriptors';
import { billingServices, type ServicesDeps } from './transport/grpc/services/index';

const DESCRIPTOR_SET = new URL('./gen/billing.binpb', import.meta.url);
const HEALTH_PROBE_MS = 1_000;
/** The built browser console: dist/console beside dist/billing.mjs (BILLING_CONSOLE_DIR overrides). */
const CONSOLE_DIR = fileURLToPath(new URL('./console/', import.meta.url));

export interface RunningService {
  /** The bound gRPC port (useful with BILLING_LISTEN_ADDR=127.0.0.1:0). */
  port: number;
  metricsPort?: number;
  /** The bound port of the browser console (BILLING_CONSOLE_ADDR); absent when it is off. */
  consolePort?: number;
  database: Database;
  metrics: Metrics;
  rating: RatingRuntime;
  /** Graceful stop, bounded by config.shutdownTimeoutMs: 'forced' when calls had to be cancelled. */
  stop(): Promise<'graceful' | 'forced'>;
}

export interface ServiceOptions {
  /** Where "now" comes from for every use case, the scheduler and the server; tests pin it. */
  clock?: Clock;
  /** The invoicing configuration; read from the environment when absent. */
  invoicingConfig?: InvoicingConfig;
}

export async function startService(
  config: Config,
  logger: Logger,
  options: ServiceOptions = {},
): Promise<RunningService> {
  const clock = options.clock ?? systemClock;
  const metrics = new Metrics();
  // Read before the database opens: a bad seller file stops start-up at once, naming the field.
  const invoicingConfig = options.invoicingConfig ?? loadInvoicingConfig(process.env);
  for (const warning of invoicingConfig.warnings) logger.warn({ invoicing: true }, warning);
  const core = await openBillingCore({
    invoicingConfig,
    config,
    logger,
    clock,
    databaseWaitMs: config.databaseWaitMs,
    onRuleReload: (result) => metrics.ruleReloads.inc({ result }),
  });
  const { database, rating } = core;
  // What start-up has begun, undone in reverse when a later step fails (a port in use, a bad
  // tokens file): the caller gets the error and no timer, watcher or connection is left running.
  const undo: (() => unknown)[] = [() => core.close()];
  try {
    usePageTokenKey(await sharedSecret(database, 'page_token_key'));
    metrics.observeRuleSets(() => rating.liveView);
    // Issued documents are queued by the database; without BILLING_OUTBOX_DIR they wait as 'pending'.
    const outbox = new PostgresOutboxStore(database);
    metrics.observeOutbox(() => outbox.counts());
    const deliveryWorker = await composeDeliveryWorker({
      outbox,
      invoicing: core.invoicing,
      clock,
      log: logger,
      outboxDir: config.outboxDir,
      intervalMs: config.outboxIntervalMs,
      onOutcome: (outcome) => metrics.outboxDeliveries.inc({ outcome }),
    });
    if (deliveryWorker) undo.push(() => deliveryWorker.stop());
    else logger.info('no BILLING_OUTBOX_DIR: issued documents stay pending in the outbox');

    const stopWatchingRules = rating.watch();
    undo.push(stopWatchingRules);
    // This month's partitions and the next ones exist before the first CDR is taken.
    const partitionUpkeep = new PartitionUpkeep(database, clock, logger);
    undo.push(() => partitionUpkeep.stop());
    await partitionUpkeep.start();
    const closeScheduler = new PeriodCloseScheduler(
      core.invoicing,
      core.invoicingConfig.closeIntervalMs,
      logger,
    );

    const tokens = loadTokens(config, logger);
    const health = HealthState();
    const probe = probeDatabase(database, health, logger);
    undo.push(() => probe.stop());

    // Long-lived streams watch this signal: on shutdown they finish the batch in hand and end.
    const draining = new AbortController();
    const services = billingServices(servicesDeps(core, metrics, draining.signal));
    // One decision on a call's headers, for the gRPC port and the browser console alike.
    const authorize: CallAuthorizer = (path, authorization) => {
      const verdict = authorizeCall(tokens, accessPolicy, path, authorization);
      return verdict.kind === 'refused'
        ? { code: verdict.code as number, details: verdict.details }
        : undefined;
    };
    const descriptorSet = fs.readFileSync(DESCRIPTOR_SET);
    const server = createGrpcServer({
      logger,
      metrics,
      tokens,
      policy: accessPolicy,
      health,
      descriptorSet,
      services,
      authorize,
      maxReceiveMessageBytes: config.maxMessageBytes,
      maxSendMessageBytes: config.maxSendMessageBytes,
      maxConcurrentStreams: config.maxConcurrentStreams,
      tls: config.tls,
    });
    undo.push(() => server.shutdown(0));
    const port = await server.listen(config.listenAddr);
    closeScheduler.start();
    undo.push(() => closeScheduler.stop());
    deliveryWorker?.start();
    const metricsServer = config.metricsAddr ? await serveMetrics(metrics, config.metricsAddr) : undefined;
    if (metricsServer) undo.push(() => metricsServer.close());
    const browser = await startConsole(
      config,
      logger,
      metrics,
      port,
      authorize,
      serviceDescriptors(
        descriptorSet,
        services.map((s) => s.fullName),
      ),
    );
    logger.info(
      {
        listen: config.listenAddr,
        port,
        metricsPort: metricsServer?.port,
        console: browser ? `http://${hostOf(config.consoleAddr)}:${browser.server.port}/` : 'off',
        tls: Boolean(config.tls),
      },
      'billing service serving',
    );

    let stopping: Promise<'graceful' | 'forced'> | undefined;
    return {
      port,
      metricsPort: metricsServer?.port,
      consolePort: browser?.server.port,
      database,
      metrics,
      rating,
      stop() {
        stopping ??= (async () => {
          probe.stop();
          stopWatchingRules();
          health.setStatus('unhealthy');
          draining.abort();
          // The jobs end their run in hand while the servers drain, not before them: a run stuck
          // on the database (a lock, a hung connection) must not keep the gRPC server serving.
          const jobsStopped = Promise.all([
            closeScheduler.stop(),
            deliveryWorker?.stop(),
            partitionUpkeep.stop(),
          ]);
          const deadline = Date.now() + config.shutdownTimeoutMs;
          // The console first: its calls are the gRPC server's calls, which must still be served.
          if (browser) {
            const consoleHow = await browser.server.close(config.shutdownTimeoutMs);
            browser.upstream.close();
            logger.info({ how: consoleHow }, 'browser console stopped');
          }
          let how = await server.shutdown(Math.max(0, deadline - Date.now()));
          logger.info({ how }, 'gRPC server stopped');
          await metricsServer?.close();
          // What still waits on the database past the deadline (a job's run, a cancelled call's
          // statement; the pool's close waits for both) is left to the process exit: the database
          // rolls its transaction back, and nothing of it was acknowledged.
          const closed = await settlesWithin(
            jobsStopped.then(() => database.close()),
            // A pool with nothing in use closes at once; a second at least, also after a forced drain.
            Math.max(1_000, deadline - Date.now()),
          );
          if (!closed) {
            logger.warn(
              { timeoutMs: config.shutdownTimeoutMs },
              'database work still running at the shutdown timeout; leaving it to roll back',
            );
            how = 'forced';
          }
          return how;
        })();
        return stopping;
      },
    };
  } catch (error) {
    await undoInReverse(undo, logger);
    throw error;
  }
}

/** Undoes what start-up had begun, last first; a step that fails is logged and the rest still run. */
async function undoInReverse(steps: (() => unknown)[], logger: Logger): Promise<void> {
  for (const step of [...steps].reverse()) {
    try {
      await step();
    } catch (error) {
      logger.warn({ err: error }, 'undoing a failed start-up step failed');
    }
  }
}

/**
 * The browser console (src/transport/browser): its static app and the same services over Connect
 * and gRPC-Web, each call forwarded to the gRPC server on `grpcPort`. Off with
 * BILLING_CONSOLE_ADDR=off, and when the gRPC server demands client certificates (the loopback
 * client has none).
 */
async function startConsole(
  config: Config,
  logger: Logger,
  metrics: Metrics,
  grpcPort: number,
  authorize: CallAuthorizer,
  services: ReturnType<typeof serviceDescriptors>,
): Promise<{ server: BrowserServer; upstream: CallerLanes } | undefined> {
  if (!config.consoleAddr) return undefined;
  if (config.tls?.clientCaFile) {
    logger.warn('BILLING_TLS_CLIENT_CA is set: the browser console cannot forward calls; it stays off');
    return undefined;
  }
  if (!isLoopback(hostOf(config.consoleAddr)))
    logger.warn(
      { consoleAddr: config.consoleAddr },
      'the browser console speaks plain HTTP: tokens cross the network in clear text; put a TLS proxy in front of it',
    );
  const upstream = new CallerLanes(
    () => loopbackConnection(config.listenAddr, grpcPort, Boolean(config.tls)),
    config.maxConcurrentStreams,
  );
  try {
    const server = await startBrowserServer({
      address: config.consoleAddr,
      services,
      upstream,
      corsOrigins: config.consoleCorsOrigins,
      authorize,
      staticDir: config.consoleDir ?? CONSOLE_DIR,
      maxReceiveMessageBytes: config.maxMessageBytes,
      maxSendMessageBytes: config.maxSendMessageBytes,
      // Connect's codes are gRPC's, number for number.
      onRefused: (path, code) => metrics.consoleRefused.inc(rpcLabels(path, code as number)),
    });
    return { server, upstream };
  } catch (error) {
    upstream.close();
    throw error;
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\./.test(host);
}

function hostOf(address: string | undefined): string {
  return (address ?? '').slice(0, (address ?? '').lastIndexOf(':'));
}

/** What each gRPC service is built from: the core's ports, the metrics and the drain signal. */
function servicesDeps(core: BillingCore, metrics: Metrics, draining: AbortSignal): ServicesDeps {
  return {
    cdrIngest: { ingest: core.ingest, unrated: core.unrated, requests: core.requests, metrics, draining },
    rating: {
      rating: core.rating,
      ruleSets: core.ruleSets,
      candidates: candidateRuleFiles,
      backtestSource: new PostgresBacktestSource(core.database),
      customers: core.customerDirectory,
      bookings: core.bookingDirectory,
      clock: core.clock,
      explainCharge: core.explainCharge,
    },
    invoices: {
      invoicing: core.invoicing,
      rerating: core.rerating,
      requests: core.requests,
      bookkeeping: core.bookkeeping,
      mailing: core.mailing,
    },
    customers: { customers: core.customers, pricePlans: livePricePlans(core.rating) },
    bookings: { bookings: core.bookings, draining, clock: core.clock },
  };
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

/** True when `work` resolves within `ms`, false when it is still running then; its failure is thrown. */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([work.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Prometheus metrics, served on their own HTTP port (BILLING_METRICS_ADDR) so scraping never
 * competes with gRPC traffic. Each part of the service registers its own metrics here.
 */
import http from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The live rule book as the rule-set gauges show it (RatingRuntime.liveView). */
export interface RuleSetView {
  loadedAt: Date;
  ruleSets: { hash: string; name: string; version: string }[];
  filesMatchLive: boolean;
  filesCheckedAt: Date | undefined;
}

export class Metrics {
  readonly registry = new Registry();

  readonly rpcHandled = new Counter({
    name: 'grpc_server_handled_total',
    help: 'RPCs completed, by service, method and gRPC status code.',
    labelNames: ['grpc_service', 'grpc_method', 'grpc_code'] as const,
    registers: [this.registry],
  });

  readonly rpcSeconds = new Histogram({
    name: 'grpc_server_handling_seconds',
    help: 'Time from the start of an RPC to its status, by service, method and code.',
    labelNames: ['grpc_service', 'grpc_method', 'grpc_code'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60],
    registers: [this.registry],
  });

  readonly cdrsIngested = new Counter({
    name: 'billing_cdrs_ingested_total',
    help: 'CDRs received, by outcome (accepted, duplicate, conflict, rejected).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly requestsRefused = new Counter({
    name: 'billing_grpc_requests_refused_total',
    help: 'Request messages refused before decoding, by reason (limits: a declared input limit; undecodable: not protobuf).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly consoleRefused = new Counter({
    name: 'billing_console_requests_refused_total',
    help: 'Console (Connect, gRPC-Web) calls refused at the browser port before they reach the gRPC server, whose metrics never see them: by service, method and gRPC status code (UNAUTHENTICATED, PERMISSION_DENIED, INVALID_ARGUMENT, RESOURCE_EXHAUSTED...).',
    labelNames: ['grpc_service', 'grpc_method', 'grpc_code'] as const,
    registers: [this.registry],
  });

  readonly ruleReloads = new Counter({
    name: 'billing_rule_reloads_total',
    help: 'Rule-set reloads, by result (applied, refused).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  /** Read at each scrape, so the gauges never lag the rule book; unset until observeRuleSets. */
  private ruleSetView: () => RuleSetView | undefined = () => undefined;

  readonly ruleSetLoadedAt = new Gauge({
    name: 'billing_rule_set_loaded_timestamp_seconds',
    help: 'When the live rule book went live (Unix time); 0 while none is loaded.',
    registers: [this.registry],
    collect: () => {
      const view = this.ruleSetView();
      this.ruleSetLoadedAt.reset();
      if (view) this.ruleSetLoadedAt.set(view.loadedAt.getTime() / 1000);
    },
  });

  readonly ruleSetInfo = new Gauge({
    name: 'billing_rule_set_info',
    help: 'Always 1, one series per rule set of the live rule book: its content hash (as GetActiveRuleSet and every charge show it), name and version.',
    labelNames: ['hash', 'name', 'version'] as const,
    registers: [this.registry],
    collect: () => {
      // Only the live sets: a replaced set's series disappears instead of lingering at 1.
      this.ruleSetInfo.reset();
      for (const set of this.ruleSetView()?.ruleSets ?? [])
        this.ruleSetInfo.set({ hash: set.hash, name: set.name, version: set.version }, 1);
    },
  });

  readonly ruleFilesMatchLive = new Gauge({
    name: 'billing_rule_files_match_live',
    help: '1 when the rule files on disk, at the last check, are the live ones; 0 while a change is refused or not yet reloaded.',
    registers: [this.registry],
    collect: () => {
      const view = this.ruleSetView();
      this.ruleFilesMatchLive.reset();
      if (view) this.ruleFilesMatchLive.set(view.filesMatchLive ? 1 : 0);
    },
  });

  readonly ruleFilesCheckedAt = new Gauge({
    name: 'billing_rule_files_checked_timestamp_seconds',
    help: 'When the rule files were last compared with the live ones (Unix time): older than a few rescan periods means the watch has stopped.',
    registers: [this.registry],
    collect: () => {
      const at = this.ruleSetView()?.filesCheckedAt;
      this.ruleFilesCheckedAt.reset();
      if (at) this.ruleFilesCheckedAt.set(at.getTime() / 1000);
    },
  });

  /** Read at each scrape (one cheap count of the outbox); unset until observeOutbox. */
  private outboxCounts: () => Promise<{ pending: number; failed: number } | undefined> = () =>
    Promise.resolve(undefined);

  readonly outboxDocuments = new Gauge({
    name: 'billing_outbox_documents',
    help: 'Issued documents waiting for delivery (pending) and given up on after the maximum attempts (failed: see `billing outbox list --status failed`).',
    labelNames: ['status'] as const,
    registers: [this.registry],
    collect: async () => {
      // A database that does not answer leaves the series out rather than failing the scrape.
      const counts = await this.outboxCounts().catch(() => undefined);
      this.outboxDocuments.reset();
      if (!counts) return;
      this.outboxDocuments.set({ status: 'pending' }, counts.pending);
      this.outboxDocuments.set({ status: 'failed' }, counts.failed);
    },
  });

  readonly outboxDeliveries = new Counter({
    name: 'billing_outbox_deliveries_total',
    help: 'Delivery attempts of issued documents by this process, by outcome (delivered; retry: failed, tried again later; failed: failed for good).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Where the outbox gauge reads its counts from (the outbox store). */
  observeOutbox(counts: () => Promise<{ pending: number; failed: number }>): void {
    this.outboxCounts = counts;
  }

  /** Where the rule-set gauges read the live rule book from, e.g. () => rating.liveView. */
  observeRuleSets(view: () => RuleSetView | undefined): void {
    this.ruleSetView = view;
  }
}

/** Starts the /metrics endpoint; resolves to the bound port. */
export async function serveMetrics(
  metrics: Metrics,
  addr: string,
): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end('not found: try /metrics\n');
      return;
    }
    metrics.registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  const sep = addr.lastIndexOf(':');
  const host = addr.slice(0, sep).replace(/^\[|\]$/g, '');
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(addr.slice(sep + 1)), host, resolve);
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

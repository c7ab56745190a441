/**
 * Prometheus metrics, served on their own HTTP port (BILLING_METRICS_ADDR) so scraping never
 * competes with gRPC traffic. Each part of the service registers its own metrics here.
 */
import http from 'node:http';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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

  readonly ruleReloads = new Counter({
    name: 'billing_rule_reloads_total',
    help: 'Rule-set reloads, by result (applied, refused).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}

/** Starts the /metrics endpoint; resolves to the bound port. */
export async function serveMetrics(metrics: Metrics, addr: string): Promise<{ port: number; close(): Promise<void> }> {
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

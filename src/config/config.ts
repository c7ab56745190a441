/**
 * Service configuration, read once from environment variables (documented in README.md).
 * Nothing else in the service reads process.env.
 */
import path from 'node:path';

export interface TlsConfig {
  certFile: string;
  keyFile: string;
  /** When set, clients must present a certificate signed by this CA. */
  clientCaFile?: string;
}

export interface Config {
  /** host:port the gRPC server listens on. */
  listenAddr: string;
  /** host:port of the Prometheus /metrics HTTP endpoint; empty disables it. */
  metricsAddr: string;
  /**
   * host:port of the browser console's HTTP/1.1 server (static app plus the same RPCs over Connect
   * and gRPC-Web); undefined when BILLING_CONSOLE_ADDR is `off`.
   */
  consoleAddr?: string;
  /** Other origins (scheme://host[:port]) whose pages may call the console's RPCs (CORS). */
  consoleCorsOrigins: string[];
  /** The built console app (index.html and assets/); undefined: dist/console beside the code. */
  consoleDir?: string;
  /** PostgreSQL connection string; when absent the embedded PostgreSQL (PGlite) in dataDir is used. */
  databaseUrl?: string;
  /** Where the embedded database and the generated admin token live. */
  dataDir: string;
  /** Rule files (pricing). */
  rulesDir: string;
  /** File with bearer tokens and their roles (JSON); see README. */
  tokensFile?: string;
  tls?: TlsConfig;
  /** How long a graceful shutdown may take before in-flight calls are cancelled. */
  shutdownTimeoutMs: number;
  /** Largest gRPC message accepted, in bytes: a full batch of 1000 CDRs is about 1.2 MB. */
  maxMessageBytes: number;
  /** Largest gRPC message sent, in bytes (a PDF of a long invoice, a page of 500 CDRs). */
  maxSendMessageBytes: number;
  /** Calls one client connection may have open at once. */
  maxConcurrentStreams: number;
  /** How long start-up waits (with backoff) for an unreachable PostgreSQL server before exiting; 0 = no wait. */
  databaseWaitMs: number;
  logLevel: string;
  /**
   * The directory an access point's client picks issued documents up from; unset: no delivery
   * worker runs and issued documents wait in the outbox as 'pending'.
   */
  outboxDir?: string;
  /** How often the delivery worker looks for due documents. */
  outboxIntervalMs: number;
}

type Env = Record<string, string | undefined>;

export class ConfigError extends Error {}

function positiveInt(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) <= 0)
    throw new ConfigError(`${name} must be a positive whole number, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

function nonNegativeInt(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw))
    throw new ConfigError(`${name} must be a whole number (0 or more), got ${JSON.stringify(raw)}`);
  return Number(raw);
}

function hostPort(env: Env, name: string, fallback: string): string {
  const value = env[name] ?? fallback;
  if (value !== '' && !/^(\[[0-9a-fA-F:]+\]|[\w.-]+):\d{1,5}$/.test(value)) {
    throw new ConfigError(`${name} must be host:port, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A comma-separated list of origins, each scheme://host[:port] with nothing after it. */
function origins(env: Env, name: string): string[] {
  const list = (env[name] ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  for (const origin of list) {
    if (!/^https?:\/\/(\[[0-9a-fA-F:]+\]|[\w.-]+)(:\d{1,5})?$/.test(origin))
      throw new ConfigError(
        `${name} must list origins like https://host:port, got ${JSON.stringify(origin)}`,
      );
  }
  return list;
}

export function loadConfig(env: Env = process.env): Config {
  const certFile = env.BILLING_TLS_CERT;
  const keyFile = env.BILLING_TLS_KEY;
  if (Boolean(certFile) !== Boolean(keyFile))
    throw new ConfigError('BILLING_TLS_CERT and BILLING_TLS_KEY must be set together');
  const dataDir = path.resolve(env.BILLING_DATA_DIR || './data');
  return {
    listenAddr: hostPort(env, 'BILLING_LISTEN_ADDR', '127.0.0.1:50051'),
    metricsAddr: hostPort(env, 'BILLING_METRICS_ADDR', '127.0.0.1:9464'),
    consoleAddr:
      env.BILLING_CONSOLE_ADDR === 'off'
        ? undefined
        : hostPort(env, 'BILLING_CONSOLE_ADDR', '127.0.0.1:8080') || undefined,
    consoleCorsOrigins: origins(env, 'BILLING_CONSOLE_CORS_ORIGINS'),
    consoleDir: env.BILLING_CONSOLE_DIR ? path.resolve(env.BILLING_CONSOLE_DIR) : undefined,
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir,
    rulesDir: path.resolve(env.BILLING_RULES_DIR || './rules'),
    tokensFile: env.BILLING_TOKENS_FILE || undefined,
    tls:
      certFile && keyFile
        ? { certFile, keyFile, clientCaFile: env.BILLING_TLS_CLIENT_CA || undefined }
        : undefined,
    shutdownTimeoutMs: positiveInt(env, 'BILLING_SHUTDOWN_TIMEOUT_MS', 10_000),
    maxMessageBytes: positiveInt(env, 'BILLING_MAX_MESSAGE_BYTES', 4 * 1024 * 1024),
    maxSendMessageBytes: positiveInt(env, 'BILLING_MAX_SEND_MESSAGE_BYTES', 32 * 1024 * 1024),
    maxConcurrentStreams: positiveInt(env, 'BILLING_MAX_CONCURRENT_STREAMS', 100),
    databaseWaitMs: nonNegativeInt(env, 'BILLING_DATABASE_WAIT_MS', 60_000),
    logLevel: env.BILLING_LOG_LEVEL || 'info',
    outboxDir: env.BILLING_OUTBOX_DIR ? path.resolve(env.BILLING_OUTBOX_DIR) : undefined,
    outboxIntervalMs: positiveInt(env, 'BILLING_OUTBOX_INTERVAL_MS', 10_000),
  };
}

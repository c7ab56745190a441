/**
 * Starts the real service in this process on 127.0.0.1:0 with a fresh database, real rule files
 * and a tokens file holding one token per role; hands out authenticated nice-grpc clients.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  createChannel,
  createClientFactory,
  Metadata,
  type Channel,
  type Client,
  type CompatServiceDefinition,
} from 'nice-grpc';
import { errorDetailsClientMiddleware } from 'nice-grpc-error-details';
import type { Role } from '../../src/auth/roles';
import { ROLES } from '../../src/auth/roles';
import { loadConfig } from '../../src/config/config';
import { loadInvoicingConfig } from '../../src/config/invoicing-config';
import { ratesFileForToday } from './exchange-rates';
import { createLogger } from '../../src/observability/logger';
import { systemClock, type Clock } from '../../src/app/clock';
import { startService, type RunningService } from '../../src/service';
import { createTestDatabase, type TestDatabase } from './test-database';

export const REPO_ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

export interface TestService {
  service: RunningService;
  address: string;
  channel: Channel;
  database: TestDatabase;
  tokenFor(role: Role): string;
  /** A client for `definition` that sends the bearer token of `role` (or none). */
  client<D extends CompatServiceDefinition>(definition: D, role?: Role): Client<D>;
  stop(): Promise<void>;
}

/**
 * The bridges the suite's `bridge` token speaks for (a bridge token is bound to its bridge ids).
 * Ids a test uses for "another bridge" are deliberately absent.
 */
export const TEST_BRIDGE_IDS = [
  'b',
  'b1',
  'sample',
  'fs-1',
  'ast-1',
  'part-bridge',
  'test-bridge',
  'bridge',
  'bridge-1',
  'bf-bridge',
  'bridge-idem',
  'bridge-list',
  'bridge-new',
  'bridge-old',
  'bridge-recon',
  'bridge-retry',
  'bridge-sto-1',
  'bridge-upd',
  'bridge-watch',
  'bt-bridge',
  'cli-bridge',
  'crash-bridge',
  'fuzz-bridge',
  'lifecycle-bridge',
  'ml-bridge',
  'pp-bridge',
  'race-bridge',
  'rating-bridge',
  'rerate-bridge',
  'resend-bridge',
  'scenario-bridge',
  'slow-db-bridge',
  'sto-bridge-1',
];

export interface TestServiceOptions {
  rulesDir?: string;
  env?: Record<string, string>;
  /** The service's clock; a test that depends on "now" pins it (a FixedClock), so no test depends on today's date. */
  clock?: Clock;
}

export async function startTestService(options: TestServiceOptions = {}): Promise<TestService> {
  const database = await createTestDatabase();
  const tokens = Object.fromEntries(
    ROLES.map((role) => [role, `test-${role}-token-0123456789abcdef`]),
  ) as Record<Role, string>;
  const tokensFile = path.join(database.dataDir, 'tokens.json');
  const entries = ROLES.map((role) => ({
    name: `test-${role}`,
    role,
    token: tokens[role],
    ...(role === 'bridge' ? { bridgeIds: TEST_BRIDGE_IDS } : {}),
  }));
  fs.writeFileSync(tokensFile, JSON.stringify({ tokens: entries }));
  const config = loadConfig({
    ...database.env,
    BILLING_LISTEN_ADDR: '127.0.0.1:0',
    BILLING_METRICS_ADDR: '127.0.0.1:0',
    BILLING_CONSOLE_ADDR: 'off',
    BILLING_RULES_DIR: options.rulesDir ?? path.join(REPO_ROOT, 'rules'),
    BILLING_TOKENS_FILE: tokensFile,
    BILLING_SHUTDOWN_TIMEOUT_MS: '3000',
    ...options.env,
  });
  // Demo mode on purpose: the suite issues numbers with the example seller. A test of the refusal
  // passes BILLING_DEMO: 'false' (or a BILLING_SELLER_FILE) in options.env.
  const invoicingConfig = loadInvoicingConfig({
    BILLING_DEMO: 'true',
    BILLING_RULES_DIR: config.rulesDir,
    // On a pinned clock the rules directory's own rates, so what a document states does not depend
    // on today's date; on the real clock the shipped rates plus today's, so "today" finds a rate.
    ...(options.clock ? {} : { BILLING_EXCHANGE_RATES_FILE: ratesFileForToday() }),
    ...options.env,
  });
  const service = await startService(config, createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'), {
    clock: options.clock ?? systemClock,
    invoicingConfig,
  });
  const address = `127.0.0.1:${service.port}`;
  const channel = createChannel(address);
  return {
    service,
    address,
    channel,
    database,
    tokenFor: (role) => tokens[role],
    client(definition, role) {
      const metadata = new Metadata();
      if (role) metadata.set('authorization', `Bearer ${tokens[role]}`);
      return createClientFactory()
        .use(errorDetailsClientMiddleware)
        .create(definition, channel, { '*': { metadata } });
    },
    async stop() {
      channel.close();
      await service.stop();
      await database.drop();
    },
  };
}

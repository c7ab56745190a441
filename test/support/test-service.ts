/**
 * Starts the real service in this process on 127.0.0.1:0 with a fresh database, real rule files
 * and a tokens file holding one token per role; hands out authenticated nice-grpc clients.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createChannel, createClientFactory, Metadata, type Channel, type Client, type CompatServiceDefinition } from 'nice-grpc';
import { errorDetailsClientMiddleware } from 'nice-grpc-error-details';
import type { Role } from '../../src/auth/roles';
import { ROLES } from '../../src/auth/roles';
import { loadConfig } from '../../src/config/config';
import { createLogger } from '../../src/observability/logger';
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

export async function startTestService(options: { rulesDir?: string; env?: Record<string, string> } = {}): Promise<TestService> {
  const database = await createTestDatabase();
  const tokens = Object.fromEntries(ROLES.map((role) => [role, `test-${role}-token-0123456789abcdef`])) as Record<Role, string>;
  const tokensFile = path.join(database.dataDir, 'tokens.json');
  fs.writeFileSync(tokensFile, JSON.stringify({ tokens: ROLES.map((role) => ({ name: `test-${role}`, role, token: tokens[role] })) }));
  const config = loadConfig({
    ...database.env,
    BILLING_LISTEN_ADDR: '127.0.0.1:0',
    BILLING_METRICS_ADDR: '127.0.0.1:0',
    BILLING_RULES_DIR: options.rulesDir ?? path.join(REPO_ROOT, 'rules'),
    BILLING_TOKENS_FILE: tokensFile,
    BILLING_SHUTDOWN_TIMEOUT_MS: '3000',
    ...options.env,
  });
  const service = await startService(config, createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'));
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
        .create(definition as never, channel, { '*': { metadata } }) as never;
    },
    async stop() {
      channel.close();
      await service.stop();
      await database.drop();
    },
  };
}

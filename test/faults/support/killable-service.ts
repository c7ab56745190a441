/**
 * `billing serve` as a child process that a test kills with SIGKILL and starts again on the same
 * port and database, as a supervisor would: clients keep one channel (and bridges their stream
 * loop) across restarts and find the new process at the old address. Readiness is the "serving"
 * log line (test/support/service-process.ts); nothing here waits on the clock.
 */
import { freePort } from './free-port';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChannelCredentials } from '@grpc/grpc-js';
import {
  ClientError,
  createChannel,
  createClientFactory,
  Metadata,
  Status,
  type Channel,
  type Client,
  type CompatServiceDefinition,
} from 'nice-grpc';
import { errorDetailsClientMiddleware } from 'nice-grpc-error-details';
import { ROLES, type Role } from '../../../src/auth/roles';
import { spawnService, type ServiceProcess } from '../../support/service-process';
import { REPO_ROOT, TEST_BRIDGE_IDS } from '../../support/test-service';

export interface ServiceTokens {
  file: string;
  tokenFor(role: Role): string;
}

/** A tokens file with one token per role (the bridge token bound to the suite's bridge ids). */
export function writeTokensFile(dir: string): ServiceTokens {
  const tokens = Object.fromEntries(
    ROLES.map((role) => [role, `kill-${role}-token-0123456789abcdef`]),
  ) as Record<Role, string>;
  const file = path.join(dir, 'tokens.json');
  const entries = ROLES.map((role) => ({
    name: `kill-${role}`,
    role,
    token: tokens[role],
    ...(role === 'bridge' ? { bridgeIds: TEST_BRIDGE_IDS } : {}),
  }));
  fs.writeFileSync(file, JSON.stringify({ tokens: entries }));
  return { file, tokenFor: (role) => tokens[role] };
}

export interface KillableService {
  /** SIGKILLs delivered so far. */
  readonly kills: number;
  /** How long each restart took until the new process served, in ms (to show where a run's time went). */
  readonly restartMs: number[];
  client<D extends CompatServiceDefinition>(definition: D, role: Role): Client<D>;
  /** SIGKILL, and wait until the process is gone. */
  kill(): Promise<void>;
  /** Starts a new process on the same port and database; resolves once it serves. */
  restart(): Promise<void>;
  /** Resolves when a process is serving (at once if one is). */
  serving(): Promise<void>;
  /**
   * Runs `call` until it answers: a call broken by the kill (UNAVAILABLE) waits for the next
   * process and is sent again, unchanged (same request id), at most `attempts` times.
   */
  retrying<T>(call: () => Promise<T>, attempts?: number): Promise<T>;
  stop(): Promise<void>;
}

export interface KillableServiceOptions {
  databaseUrl: string;
  tokens: ServiceTokens;
}

export async function startKillableService(options: KillableServiceOptions): Promise<KillableService> {
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'billing-kill-'));
  const env = {
    DATABASE_URL: options.databaseUrl,
    BILLING_DATA_DIR: dataDir,
    BILLING_LISTEN_ADDR: address,
    BILLING_CONSOLE_ADDR: 'off',
    BILLING_RULES_DIR: path.join(REPO_ROOT, 'rules'),
    BILLING_TOKENS_FILE: options.tokens.file,
    BILLING_SHUTDOWN_TIMEOUT_MS: '3000',
    // No scheduled closes: the workloads decide what closes, and when.
    BILLING_CLOSE_INTERVAL_MS: '0',
  };
  // The default reconnect backoff of grpc-js grows to 120 s; a restarted service must be found at once.
  const channel: Channel = createChannel(address, ChannelCredentials.createInsecure(), {
    'grpc.initial_reconnect_backoff_ms': 100,
    'grpc.max_reconnect_backoff_ms': 500,
  });
  let current: ServiceProcess | undefined;
  let kills = 0;
  const restartMs: number[] = [];
  // Callers waiting for the next process to serve (after a kill).
  let waiters: { resolve(): void; reject(error: unknown): void }[] = [];

  // If the test process ends early (a timed-out hook), take the service down with it.
  const killOnExit = () => current?.child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const start = async () => {
    try {
      current = await spawnService(env);
    } catch (error) {
      for (const w of waiters) w.reject(error);
      waiters = [];
      throw error;
    }
    for (const w of waiters) w.resolve();
    waiters = [];
  };
  await start();

  const service: KillableService = {
    get kills() {
      return kills;
    },
    client(definition, role) {
      const metadata = new Metadata();
      metadata.set('authorization', `Bearer ${options.tokens.tokenFor(role)}`);
      return createClientFactory()
        .use(errorDetailsClientMiddleware)
        .create(definition, channel, { '*': { metadata } });
    },
    async kill() {
      const victim = current!;
      current = undefined;
      victim.child.kill('SIGKILL');
      await victim.exited;
      kills += 1;
    },
    restartMs,
    async restart() {
      const began = performance.now();
      await start();
      restartMs.push(Math.round(performance.now() - began));
    },
    serving: () =>
      current ? Promise.resolve() : new Promise<void>((resolve, reject) => waiters.push({ resolve, reject })),
    async retrying(call, attempts = 50) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await call();
        } catch (error) {
          if (!(error instanceof ClientError) || error.code !== Status.UNAVAILABLE || attempt >= attempts)
            throw error;
          await service.serving();
          // The channel may still be in its (short) reconnect backoff right after a restart.
          await sleep(50);
        }
      }
    },
    async stop() {
      process.removeListener('exit', killOnExit);
      channel.close();
      if (current) {
        current.child.kill('SIGTERM');
        await current.exited;
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return service;
}

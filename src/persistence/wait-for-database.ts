/**
 * Waiting for a PostgreSQL server at start-up: in a container or after a host reboot the service
 * often comes up before its database. Instead of crashing (and relying on a supervisor to loop),
 * the service tries again with exponential backoff, says on each attempt what it waits for and how
 * long until the next try, and gives up with a clear message once its budget is spent.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../observability/logger';

export interface ConnectionCheck {
  ok: boolean;
  reason?: string;
}

export interface WaitOptions {
  /** Total time to keep trying; 0 = one attempt. */
  budgetMs: number;
  /** The database as it may be logged (see `redactDatabaseUrl`). */
  target: string;
  logger?: Pick<Logger, 'warn' | 'info'>;
  firstDelayMs?: number;
  maxDelayMs?: number;
}

/** The database did not answer within the wait budget. */
export class DatabaseUnreachableError extends Error {
  override name = 'DatabaseUnreachableError';
}

export async function waitForDatabase(
  check: () => Promise<ConnectionCheck>,
  options: WaitOptions,
): Promise<void> {
  const started = Date.now();
  const deadline = started + options.budgetMs;
  let delay = options.firstDelayMs ?? 250;
  for (let attempt = 1; ; attempt++) {
    const result = await check();
    if (result.ok) {
      if (attempt > 1)
        options.logger?.info(
          { database: options.target, attempts: attempt, waitedMs: Date.now() - started },
          'database reachable',
        );
      return;
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      throw new DatabaseUnreachableError(
        `database ${options.target} not reachable after ${attempt} attempt(s) in ${Date.now() - started} ms: ${result.reason ?? 'no answer'}`,
      );
    }
    const nextDelayMs = Math.min(delay, remaining);
    options.logger?.warn(
      { database: options.target, attempt, reason: result.reason, nextDelayMs, giveUpInMs: remaining },
      'waiting for the database',
    );
    await sleep(nextDelayMs);
    delay = Math.min(delay * 2, options.maxDelayMs ?? 10_000);
  }
}

/** The URL without its password (in the userinfo or a `password` parameter), fit for a log line. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
    return parsed.toString();
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}

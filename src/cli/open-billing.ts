/**
 * How a CLI command opens the billing core (src/compose/billing-core.ts): configuration from the
 * environment, warnings and errors logged to stderr (stdout is the command's output), no waiting
 * for an unreachable database (a one-shot command fails at once and says so).
 */
import { loadConfig } from '../config/config';
import { openBillingCore, openBillingDatabase, type BillingCore } from '../compose/billing-core';
import type { Database } from '../persistence/database';
import { createLogger, type Logger } from '../observability/logger';

export type { BillingCore };

function cliLogger(): Logger {
  return createLogger(process.env.BILLING_LOG_LEVEL ?? 'warn', 'stderr');
}

/** The migrated database, the live rule book (or `rulesDir`'s) and every use case. */
export async function openBilling(
  options: { rulesDir?: string; loadRules?: boolean; migrate?: boolean } = {},
): Promise<BillingCore> {
  return openBillingCore({ config: loadConfig(), logger: cliLogger(), ...options });
}

/** The database alone, not migrated: `billing migrate` applies the migrations itself and reports them. */
export async function openBillingDatabaseOnly(): Promise<Database> {
  return openBillingDatabase(loadConfig(), cliLogger());
}

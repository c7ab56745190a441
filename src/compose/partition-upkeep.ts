/**
 * Keeps the monthly partitions of cdrs and charges ready before their first CDR: once at start-up
 * and then every hour, this month's and the next AHEAD_MONTHS are created if missing
 * (month-partitions.ts says why ingest does not do this itself). Safe with several replicas: the
 * database function serializes them and creates each month once.
 */
import type { Clock } from '../app/clock';
import { RecurringJob } from '../app/recurring-job';
import type { Database } from '../persistence/database';
import { createMonthsAhead } from '../persistence/month-partitions';

/** Hourly: a month ahead gets hundreds of tries before it is needed, each one cheap once it exists. */
export const PARTITION_UPKEEP_INTERVAL_MS = 3_600_000;

export interface PartitionUpkeepLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export class PartitionUpkeep {
  private readonly job: RecurringJob<void>;

  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    private readonly log: PartitionUpkeepLog,
    intervalMs = PARTITION_UPKEEP_INTERVAL_MS,
  ) {
    this.job = new RecurringJob(() => this.createAhead(), intervalMs);
  }

  /** One run now, then every interval. Start-up waits for the first run; it never throws. */
  async start(): Promise<void> {
    await this.job.runOnce();
    this.job.start();
  }

  stop(): Promise<void> {
    return this.job.stop();
  }

  private async createAhead(): Promise<void> {
    try {
      const busy = await createMonthsAhead(this.database.orm.em.getKnex(), this.clock.now());
      if (busy.length)
        this.log.warn({ months: busy }, 'monthly partitions not created yet (tables busy); will try again');
    } catch (error) {
      this.log.error({ err: error }, 'creating monthly partitions failed; will try again');
    }
  }
}

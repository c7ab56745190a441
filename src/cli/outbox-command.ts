/**
 * `billing outbox list [--status pending|delivered|failed]` and `billing outbox retry NUMBER`: the
 * documents outbox from the command line, straight on the database (as `billing invoices`: on the
 * embedded database only while the service is stopped).
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { OutboxAdmin, OutboxRow, OutboxStatus } from '../app/delivery/ports';
import { PostgresOutboxStore } from '../persistence/document-outbox';
import { openBilling } from './open-billing';

const STATUSES: OutboxStatus[] = ['pending', 'delivered', 'failed'];

function statusOption(value: string): OutboxStatus {
  if (!(STATUSES as string[]).includes(value))
    throw new InvalidArgumentError(`one of ${STATUSES.join(', ')}`);
  return value as OutboxStatus;
}

function limitOption(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('a positive whole number');
  return Number(value);
}

/** One row a line, tab-separated under a header: readable, and easy to cut or grep. */
export function outboxLines(rows: OutboxRow[]): string[] {
  const at = (d: Date | undefined) => d?.toISOString() ?? '';
  return [
    [
      'number',
      'kind',
      'customer',
      'status',
      'attempts',
      'next_attempt_at',
      'delivered_at',
      'delivered_to',
      'last_error',
    ].join('\t'),
    ...rows.map((r) =>
      [
        r.invoiceNumber,
        r.kind,
        r.customerAccount,
        r.status,
        String(r.attempts),
        r.status === 'pending' ? at(r.nextAttemptAt) || 'now' : '',
        at(r.deliveredAt),
        r.deliveredTo ?? '',
        (r.lastError ?? '').replace(/\s+/g, ' '),
      ].join('\t'),
    ),
  ];
}

async function withOutbox(run: (outbox: OutboxAdmin) => Promise<void>): Promise<void> {
  const core = await openBilling({ loadRules: false });
  try {
    await run(new PostgresOutboxStore(core.database));
  } finally {
    await core.close();
  }
}

export function registerOutboxCommands(program: Command): void {
  const outbox = program
    .command('outbox')
    .description('issued documents waiting for, or given up on, delivery (BILLING_OUTBOX_DIR)');
  outbox
    .command('list')
    .description('the outbox, newest document first')
    .option('--status <status>', `only documents in this state (${STATUSES.join(', ')})`, statusOption)
    .option('--limit <n>', 'at most this many rows', limitOption, 100)
    .action(async (options: { status?: OutboxStatus; limit: number }) => {
      await withOutbox(async (store) => {
        for (const line of outboxLines(await store.list(options))) console.log(line);
      });
    });
  outbox
    .command('retry')
    .description('make a failed document pending again, with a fresh budget of attempts')
    .argument('<number>', 'the invoice or credit-note number')
    .action(async (number: string) => {
      await withOutbox(async (store) => {
        if (await store.retry(number))
          console.log(`${number}: pending again; the delivery worker sends it next`);
        else {
          console.error(`error: no failed document numbered ${number} in the outbox`);
          process.exitCode = 1;
        }
      });
    });
}

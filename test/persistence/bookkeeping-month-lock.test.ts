/**
 * The month lock between the bookkeeping export and numbering (src/persistence/bookkeeping-months.ts),
 * both orders of arrival, on PostgreSQL (where two transactions run at once):
 * - an export that comes while a document dated in the month is being numbered waits for that
 *   transaction and exports the document with the month;
 * - a numbering that comes while the export holds the month waits for it and is then refused.
 * "Waits" is read from pg_locks (an advisory lock not granted), never from a timer.
 */
import type { Knex } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/app/clock';
import { FailedPreconditionError } from '../../src/domain/errors';
import { lockMonthForExport, recordExport } from '../../src/persistence/bookkeeping-months';
import { issueIn } from '../../src/persistence/invoice-documents';
import { PostgresIssuedDocuments } from '../../src/persistence/issued-documents-by-month';
import { startTestService, type TestService } from '../support/test-service';
import { octoberDrafts } from '../invoicing-service/october-drafts';
import { knexOf, rowsOf } from '../invoicing-service/support';

const ACCOUNTS = ['lock-a', 'lock-b'];

describe.runIf(Boolean(process.env.DATABASE_URL))('the bookkeeping month lock', () => {
  let t: TestService;
  let knex: Knex;
  let drafts: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestService({
      clock: new FixedClock(new Date('2026-12-10T12:00:00Z')),
      env: { BILLING_CLOSE_INTERVAL_MS: '0' },
    });
    knex = knexOf(t.service.database);
    drafts = await octoberDrafts(t, ACCOUNTS);
  }, 120_000);

  afterAll(async () => {
    await t?.stop();
  });

  /** Until another session waits for an advisory lock (bounded only by the test's timeout). */
  async function someoneWaits(): Promise<void> {
    for (;;) {
      const [row] = await rowsOf<{ n: string }>(
        knex.raw(`select count(*)::text as n from pg_locks where locktype = 'advisory' and not granted`),
      );
      if (Number(row!.n) > 0) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('an export waits for the numbering of a document dated in its month, and books it', async () => {
    const issuer = await knex.transaction();
    await issueIn(issuer, [drafts['lock-a']!], { series: 'INV', issueDate: '2026-10-30' });
    const exported = new PostgresIssuedDocuments(t.service.database).exportMonth(
      '2026-10',
      new Date('2026-12-10T12:00:00Z'),
      (documents) => ({
        content: Buffer.from(documents.map((d) => d.number).join(',')),
        voucherCount: documents.length,
      }),
    );
    await someoneWaits();
    await issuer.commit();
    const file = await exported;
    expect(file.voucherCount).toBe(1);
    expect(file.content.toString()).toMatch(/^INV-2026-\d{6}$/);
  });

  it('a numbering that comes while the export holds the month waits, then is refused', async () => {
    const exporter = await knex.transaction();
    await lockMonthForExport(exporter, '2026-11');
    const issuing = knex.transaction((trx) =>
      issueIn(trx, [drafts['lock-b']!], { series: 'INV', issueDate: '2026-11-20' }),
    );
    await someoneWaits();
    await recordExport(exporter, '2026-11', {
      content: Buffer.from(''),
      voucherCount: 0,
      exportedAt: new Date('2026-12-10T12:00:00Z'),
    });
    await exporter.commit();
    const error = await issuing.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FailedPreconditionError);
    expect((error as Error).message).toContain('2026-11 is already exported');
    const [row] = await rowsOf<{ status: string }>(
      knex.raw(`select status from invoices where id = ?`, [drafts['lock-b']!]),
    );
    expect(row!.status).toBe('DRAFT');
  });
});

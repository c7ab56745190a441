/**
 * SIGKILL of `billing serve` in the middle of RerateCharges: October's calls of four customers
 * (two with an issued invoice, one with a draft, one still open) are re-priced back and forth
 * between the live rules (standard-2026) and the archived standard-2025 set, and each rerate is
 * killed at a random moment (seeded, printed) within about the time a rerate takes here. After each
 * restart the invariants hold; the same request sent again finishes the rerate exactly once: every
 * call has one current charge from the requested rule set, and the corrections (credit notes and
 * supplementary invoices) in the database are exactly those the answers name.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ClientError, Status } from 'nice-grpc';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InvoiceServiceDefinition,
  type RerateChargesResponse,
} from '../../src/gen/billing/v1/invoice_service';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { recordFault } from './support/fault-report';
import { checkInvariants } from './support/invariants';
import { startKillableService, writeTokensFile, type KillableService } from './support/killable-service';
import { seededRandom } from './support/seeded-random';
import { cdrsForMonths, createCustomersInParallel, ingest } from './support/workload-data';

const CUSTOMERS = ['KILL-R1', 'KILL-R2', 'KILL-R3', 'KILL-R4'];
const OCTOBER = { startTime: new Date('2026-09-30T22:00:00Z'), endTime: new Date('2026-10-31T23:00:00Z') };
type Rules = 'standard-2025' | 'live';
/** Unkilled, to measure how long a rerate takes here. */
const CALIBRATION: [string, Rules] = ['KILL-R4', 'standard-2025'];
/** Each customer's calls change rule set with every rerate of it, so each rerate changes every charge. */
const KILLED: [string, Rules][] = [
  ['KILL-R1', 'standard-2025'],
  ['KILL-R2', 'standard-2025'],
  ['KILL-R3', 'standard-2025'],
  ['KILL-R4', 'live'],
  ['KILL-R1', 'live'],
  ['KILL-R2', 'live'],
];

describe.runIf(Boolean(process.env.DATABASE_URL))('SIGKILL while charges are re-rated', () => {
  let database: TestDatabase;
  let service: KillableService;
  let sql: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    service = await startKillableService({
      databaseUrl: database.databaseUrl!,
      tokens: writeTokensFile(database.dataDir),
    });
    sql = new pg.Client({ connectionString: database.databaseUrl });
    await sql.connect();
    await createCustomersInParallel(service, CUSTOMERS);
    await ingest(service, cdrsForMonths('rerate-bridge', CUSTOMERS, ['2026-10'], 8_000));
    const billing = service.client(InvoiceServiceDefinition, 'billing');
    const close = (account: string, issue: boolean) =>
      billing.closeBillingPeriod({
        requestId: `close-${account}`,
        customerAccount: account,
        periodContaining: new Date('2026-10-15T12:00:00Z'),
        issue,
      });
    // Issued invoices get corrections, a draft is rebuilt in place, open charges simply change.
    await close('KILL-R1', true);
    await close('KILL-R2', true);
    await close('KILL-R3', false);
  }, 300_000);

  afterAll(async () => {
    await sql?.end();
    await service?.stop();
    await database?.drop();
  });

  const hashOf = async (name: string) =>
    (await sql.query<{ hash: string }>(`select hash from rule_sets where name = $1`, [name])).rows[0]!.hash;
  /** October's current charges of a customer: how many, and how many from rule set `hash`. */
  const chargesOf = async (account: string, hash: string) =>
    (
      await sql.query<{ total: number; from_hash: number }>(
        `select count(*)::int as total, count(*) filter (where rule_set_hash = $2)::int as from_hash
         from charges where customer_account = $1 and superseded_at is null and call_start >= $3 and call_start < $4`,
        [account, hash, OCTOBER.startTime, OCTOBER.endTime],
      )
    ).rows[0]!;
  const correctionsStored = async () =>
    (
      await sql.query<{ n: number }>(
        `select count(*)::int as n from invoices where credited_invoice_id is not null or supplements_invoice_id is not null`,
      )
    ).rows[0]!.n;

  it('re-prices every call exactly once per request, with one current charge and no double corrections', async () => {
    const random = seededRandom('kill-rerate');
    const hashes: Record<Rules, string> = {
      'standard-2025': await hashOf('standard-2025'),
      live: await hashOf('standard-2026'),
    };
    const finance = service.client(InvoiceServiceDefinition, 'finance');
    const rerate = ([account, rules]: [string, Rules], k: number) =>
      finance.rerateCharges({
        requestId: `rerate-${k}-${account}`,
        customerAccount: account,
        period: OCTOBER,
        ruleSetHash: rules === 'live' ? '' : hashes[rules],
        reason: `back to ${rules}`,
      });

    const began = performance.now();
    const answers: RerateChargesResponse[] = [await rerate(CALIBRATION, 0)];
    const rerateMs = performance.now() - began;
    expect(answers[0]!.changedCount).toBeGreaterThan(0);

    let sent = 0;
    let stored = 0;
    const cut: string[] = [];
    for (const [k, job] of KILLED.entries()) {
      const first = rerate(job, k + 1).then(
        () => 'answered',
        (error: unknown) => (error instanceof ClientError ? Status[error.code] : String(error)),
      );
      await sleep(random.between(0, rerateMs));
      await service.kill();
      cut.push(`${job[0]}: ${await first}`);
      await service.restart();
      const afterKill = await checkInvariants(database.databaseUrl!);
      expect(afterKill.violations, `invariants after the kill during rerate ${k + 1}`).toEqual([]);

      // The same request again: the stored answer if the rerate committed, else the whole rerate now.
      const answer = await service.retrying(() => rerate(job, k + 1));
      answers.push(answer);
      const charges = await chargesOf(job[0], hashes[job[1]]);
      expect(answer.reratedCount).toBe(charges.total);
      sent += charges.total;
      stored += charges.from_hash;
      const afterRetry = await checkInvariants(database.databaseUrl!);
      expect(afterRetry.violations, `invariants after rerate ${k + 1} again`).toEqual([]);
    }
    console.log(
      `kill-rerate: a rerate took ${Math.round(rerateMs)} ms unkilled; the killed calls: ${cut.join(', ')}; restarts took ${service.restartMs.join(', ')} ms`,
    );

    // Each rerate of an issued invoice's calls was corrected once, by the documents its answer names.
    const named = answers.reduce((n, a) => n + a.corrections.length, 0);
    const corrections = await correctionsStored();
    expect(corrections).toBe(named);
    expect(named).toBeGreaterThan(0);
    const final = await checkInvariants(database.databaseUrl!);
    expect(service.kills).toBe(KILLED.length);
    expect(stored).toBe(sent);
    recordFault({
      fault: `SIGKILL of billing serve during RerateCharges (live <-> archived rule set; issued, draft and open), then the same request again (seed ${random.seed})`,
      database: 'postgresql',
      injected: service.kills,
      sent,
      stored,
      missing: sent - stored,
      duplicated: corrections - named,
      invariants: [
        'every call re-priced by the requested rule set',
        'corrections in the database = those the answers name',
        ...final.checked,
      ],
    });
  }, 300_000);
});

/** Backtest: stored calls priced with a candidate rule set, compared with their charges, nothing changed. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backtest } from '../../src/app/rating/backtest';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { PostgresBacktestSource } from '../../src/persistence/backtest-source';
import { loadRuleBook } from '../../src/rules-files/load';
import { REPO_ROOT, startTestService, type TestService } from '../support/test-service';
import { createCustomers } from '../support/customers';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { RatingServiceDefinition } from '../../src/gen/billing/v1/rating_service';
import { ClientError, Status } from 'nice-grpc';
import { BadRequest, RichClientError } from 'nice-grpc-error-details';
import { expectStatus } from '../support/expect-status';
import { answeredCall } from '../support/answered-call';

/** Every file of the rule sets in `dir` (the directories holding a ruleset.json), as RuleFiles. */
function ruleFiles(dir: string): { path: string; content: Buffer }[] {
  return fs
    .readdirSync(dir)
    .filter((d) => fs.existsSync(path.join(dir, d, 'ruleset.json')))
    .flatMap((d) =>
      ['ruleset', 'destinations', 'rates', 'calendar']
        .filter((part) => fs.existsSync(path.join(dir, d, `${part}.json`)))
        .map((part) => ({
          path: `${d}/${part}.json`,
          content: fs.readFileSync(path.join(dir, d, `${part}.json`)),
        })),
    );
}

async function fieldViolations(call: Promise<unknown>): Promise<{ field: string; description: string }[]> {
  const error = await expectStatus(call, Status.INVALID_ARGUMENT);
  expect(error).toBeInstanceOf(ClientError);
  const details = error instanceof RichClientError ? error.extra : [];
  return details.flatMap((d) =>
    d.$type === BadRequest.$type
      ? d.fieldViolations.map((v) => ({ field: v.field, description: v.description }))
      : [],
  );
}

const NOVEMBER = { startTime: new Date('2026-11-01T00:00:00Z'), endTime: new Date('2026-12-01T00:00:00Z') };
let candidateDir: string;

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
  await createCustomers(t.client(CustomerServiceDefinition, 'sales'), ['A', 'B']);
});
afterAll(async () => {
  await t?.stop();
});

function call(recordId: string, customerAccount: string, seconds: number) {
  return answeredCall({
    bridgeId: 'bt-bridge',
    recordId,
    conferenceId: 'c',
    customerAccount,
    calledNumber: '+46812345678',
    start: '2026-11-03T09:00:00Z', // 10:00 in Stockholm, a Tuesday: peak
    seconds,
  });
}

describe('rules backtest', () => {
  it('reports per customer and in total what a candidate would charge, and changes nothing', async () => {
    await t.client(CdrIngestServiceDefinition, 'bridge').submitCdrs({
      requestId: 'bt',
      cdrs: [call('1', 'A', 600), call('2', 'A', 60), call('3', 'B', 120)],
    });
    // Candidate: Swedish fixed-line peak rate 0.06 -> 0.09 per minute (per-second billing).
    candidateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'candidate-'));
    fs.cpSync(path.join(REPO_ROOT, 'rules'), candidateDir, { recursive: true });
    const rates = path.join(candidateDir, 'standard-2026/rates.json');
    fs.writeFileSync(rates, fs.readFileSync(rates, 'utf8').replace('"rate": "0.06"', '"rate": "0.09"'));
    const loaded = await loadRuleBook(candidateDir);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.violations));

    const knex = t.service.database.orm.em.getKnex();
    const digest = async () =>
      (
        await knex.raw<{ rows: { d: string }[] }>(
          `select md5(string_agg(c.id || ':' || ch.amount, ',' order by c.id)) as d from cdrs c join charges ch on ch.cdr_id = c.id`,
        )
      ).rows[0]!.d;
    const before = await digest();
    const report = await backtest(
      { source: new PostgresBacktestSource(t.service.database), candidate: loaded.book },
      { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z') },
    );
    expect(await digest()).toBe(before);

    // A: 600 s + 60 s = 11 min; at 0.06 -> 0.60 + 0.06 = 0.66, at 0.09 -> 0.90 + 0.09 = 0.99. B: 2 min: 0.12 -> 0.18.
    expect(report.lines).toEqual([
      {
        customerAccount: 'A',
        currency: 'EUR',
        calls: 2,
        charged: '0.66',
        candidate: '0.99',
        difference: '0.33',
        unpriceable: 0,
      },
      {
        customerAccount: 'B',
        currency: 'EUR',
        calls: 1,
        charged: '0.12',
        candidate: '0.18',
        difference: '0.06',
        unpriceable: 0,
      },
    ]);
    expect(report.totals).toEqual([
      {
        customerAccount: 'TOTAL',
        currency: 'EUR',
        calls: 3,
        charged: '0.78',
        candidate: '1.17',
        difference: '0.39',
        unpriceable: 0,
      },
    ]);
  });

  it('answers the same over the API (BacktestRuleSet) for a candidate sent as files', async () => {
    const rating = t.client(RatingServiceDefinition, 'finance');
    const answer = await rating.backtestRuleSet({ files: ruleFiles(candidateDir), ...NOVEMBER });
    const loaded = await loadRuleBook(candidateDir);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.violations));
    const report = await backtest(
      { source: new PostgresBacktestSource(t.service.database), candidate: loaded.book },
      { from: NOVEMBER.startTime, to: NOVEMBER.endTime },
    );
    const eur = (amount: string) => ({ currencyCode: 'EUR', amount });
    // By hand, as above: A 0.66 -> 0.99, B 0.12 -> 0.18; every call changes.
    expect(answer.customers).toEqual([
      {
        customerAccount: 'A',
        calls: 2,
        charged: eur('0.66'),
        candidate: eur('0.99'),
        difference: eur('0.33'),
        unpriceable: 0,
      },
      {
        customerAccount: 'B',
        calls: 1,
        charged: eur('0.12'),
        candidate: eur('0.18'),
        difference: eur('0.06'),
        unpriceable: 0,
      },
    ]);
    expect(answer.totals).toEqual([
      {
        customerAccount: '',
        calls: 3,
        charged: eur('0.78'),
        candidate: eur('1.17'),
        difference: eur('0.39'),
        unpriceable: 0,
      },
    ]);
    // The same as the use case (the CLI's numbers) for the same data and candidate.
    expect(answer.totals.map((l) => [l.calls, l.charged?.amount, l.candidate?.amount])).toEqual(
      report.totals.map((l) => [l.calls, l.charged, l.candidate]),
    );
    expect([answer.comparedCalls, answer.changedCalls, answer.unpriceableCalls]).toEqual([3, 3, 0]);
    expect(answer.contentHash).toBe(loaded.book.sets.map((s) => s.hash).join(','));
    const changed = answer.changed.map((c) => [
      c.recordId,
      Number(c.charged?.amount),
      Number(c.candidate?.amount),
    ]);
    expect(changed.sort()).toEqual(
      [
        ['1', 0.6, 0.9],
        ['2', 0.06, 0.09],
        ['3', 0.12, 0.18],
      ].sort(),
    );
    expect(answer.changed.every((c) => c.summary.includes('EUR'))).toBe(true);

    const onlyB = await rating.backtestRuleSet({
      files: ruleFiles(candidateDir),
      ...NOVEMBER,
      customerAccount: 'B',
    });
    expect(onlyB.customers.map((l) => l.customerAccount)).toEqual(['B']);
    expect(onlyB.changedCalls).toBe(1);
  });

  it('with no files backtests the active rule set: nothing changes', async () => {
    const answer = await t
      .client(RatingServiceDefinition, 'billing')
      .backtestRuleSet({ files: [], ...NOVEMBER });
    expect([answer.comparedCalls, answer.changedCalls, answer.unpriceableCalls]).toEqual([3, 0, 0]);
    expect(answer.changed).toEqual([]);
    expect(answer.totals.map((l) => l.difference)).toEqual([{ currencyCode: 'EUR', amount: '0' }]);
  });

  it('refuses a bad range, a bad candidate and a sales token', async () => {
    const rating = t.client(RatingServiceDefinition, 'finance');
    expect(
      await fieldViolations(
        rating.backtestRuleSet({ startTime: NOVEMBER.endTime, endTime: NOVEMBER.startTime }),
      ),
    ).toEqual([{ field: 'end_time', description: 'must be after start_time' }]);
    expect(
      (await fieldViolations(rating.backtestRuleSet({ endTime: NOVEMBER.endTime }))).map((v) => v.field),
    ).toEqual(['start_time']);
    expect(
      (
        await fieldViolations(
          rating.backtestRuleSet({
            startTime: new Date('2025-01-01T00:00:00Z'),
            endTime: NOVEMBER.endTime,
          }),
        )
      ).map((v) => v.field),
    ).toEqual(['end_time']);

    const broken = ruleFiles(candidateDir).map((f) =>
      f.path === 'standard-2026/ruleset.json'
        ? {
            ...f,
            content: Buffer.from(
              f.content.toString('utf8').replace('"fact": "accessType"', '"fact": "acessType"'),
            ),
          }
        : f,
    );
    const violations = await fieldViolations(rating.backtestRuleSet({ files: broken, ...NOVEMBER }));
    const index = broken.findIndex((f) => f.path === 'standard-2026/ruleset.json');
    expect(violations.length).toBeGreaterThan(0);
    expect(violations[0]!.field).toBe(`files[${index}].content`);
    expect(violations[0]!.description).toContain('acessType');

    await expectStatus(
      t.client(RatingServiceDefinition, 'sales').backtestRuleSet({ files: [], ...NOVEMBER }),
      Status.PERMISSION_DENIED,
    );
  });
});

/** Backtest: stored calls priced with a candidate rule set, compared with their charges, nothing changed. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backtest } from '../../src/app/rating/backtest';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { AccessType } from '../../src/gen/billing/v1/common';
import { PostgresBacktestSource } from '../../src/persistence/backtest-source';
import { loadRuleBook } from '../../src/rules-files/load';
import { REPO_ROOT, startTestService, type TestService } from '../support/test-service';
import { createCustomers } from '../support/customers';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
  await createCustomers(t.client(CustomerServiceDefinition, 'sales'), ['A', 'B']);
});
afterAll(async () => {
  await t?.stop();
});

function call(recordId: string, customerAccount: string, seconds: number) {
  const start = new Date('2026-11-03T09:00:00Z'); // 10:00 in Stockholm, a Tuesday: peak
  return {
    bridgeId: 'bt-bridge',
    recordId,
    conferenceId: 'c',
    bookingId: '',
    customerAccount,
    accessType: AccessType.ACCESS_TYPE_DIAL_OUT,
    callerNumber: '',
    calledNumber: '+46812345678',
    startTime: start,
    answerTime: start,
    endTime: new Date(start.getTime() + seconds * 1000),
    durationSeconds: seconds,
    features: [],
  };
}

describe('rules backtest', () => {
  it('reports per customer and in total what a candidate would charge, and changes nothing', async () => {
    await t.client(CdrIngestServiceDefinition, 'bridge').submitCdrs({
      requestId: 'bt',
      cdrs: [call('1', 'A', 600), call('2', 'A', 60), call('3', 'B', 120)],
    });
    // Candidate: Swedish fixed-line peak rate 0.06 -> 0.09 per minute (per-second billing).
    const candidateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'candidate-'));
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
});

/**
 * `billing invoices close` and `billing invoices rerate` as a billing clerk runs them, as real child
 * processes on the service's PostgreSQL database (the embedded one admits one process at a time):
 * the CLI closes with the same period pricing as the service and corrects an issued invoice.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { AccessType } from '../../src/gen/billing/v1/common';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { createCustomers } from '../support/customers';
import { ratesFileForToday } from '../support/exchange-rates';
import { REPO_ROOT, startTestService, type TestService } from '../support/test-service';

const run = promisify(execFile);

describe.runIf(Boolean(process.env.DATABASE_URL))('billing invoices (command line)', () => {
  let t: TestService;
  let editedRules: string;
  const cli = async (args: string[], rulesDir = path.join(REPO_ROOT, 'rules')) => {
    const { stdout } = await run(
      process.execPath,
      [path.join(REPO_ROOT, 'bin/billing.mjs'), 'invoices', ...args],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          ...t.database.env,
          BILLING_RULES_DIR: rulesDir,
          BILLING_LOG_LEVEL: 'error',
          BILLING_DEMO: 'true',
          // The CLI issues on the real clock: its EUR invoice needs a rate for today.
          BILLING_EXCHANGE_RATES_FILE: ratesFileForToday(),
        },
      },
    );
    return stdout;
  };

  beforeAll(async () => {
    // The rules finance fixes afterwards: dial-out to Swedish fixed lines at peak 0.05 instead of 0.06.
    editedRules = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-rules-'));
    fs.cpSync(path.join(REPO_ROOT, 'rules'), editedRules, { recursive: true });
    const ratesFile = path.join(editedRules, 'standard-2026', 'rates.json');
    const rates = JSON.parse(fs.readFileSync(ratesFile, 'utf8')) as {
      rateCards: Record<string, { rates: { peak: { rate: string }[] } }>;
    };
    rates.rateCards.do_SE!.rates.peak[0]!.rate = '0.05';
    fs.writeFileSync(ratesFile, JSON.stringify(rates, null, 2));
    t = await startTestService({ env: { BILLING_CLOSE_INTERVAL_MS: '0' } });
    const sales = t.client(CustomerServiceDefinition, 'sales');
    await createCustomers(sales, ['CLI-VOL']);
    await sales.upsertContract({
      requestId: 'k-cli',
      contract: {
        externalId: 'k-cli',
        customerExternalId: 'CLI-VOL',
        pricePlan: 'volume-2026',
        validFrom: new Date('2026-01-01T00:00:00Z'),
      },
    });
    // 20 local dial-in hours on the volume plan, and one 10-minute dial-out to a Swedish fixed line at peak (0.06/min = 0.60).
    const start = (i: number) => new Date(Date.UTC(2026, 9, 6, 9, i));
    const leg = (i: number, accessType: AccessType, calledNumber: string, seconds: number) => ({
      bridgeId: 'cli-bridge',
      recordId: `cli-${i}`,
      conferenceId: 'conf-cli',
      bookingId: '',
      customerAccount: 'CLI-VOL',
      accessType,
      callerNumber: '+46812345678',
      calledNumber,
      startTime: start(i),
      answerTime: start(i),
      endTime: new Date(start(i).getTime() + seconds * 1000),
      durationSeconds: seconds,
      features: [],
    });
    await t.client(CdrIngestServiceDefinition, 'bridge').submitCdrs({
      requestId: 'cli-cdrs',
      cdrs: [
        ...Array.from({ length: 20 }, (_, i) =>
          leg(i, AccessType.ACCESS_TYPE_LOCAL_DIAL_IN, '+46850000000', 3600),
        ),
        leg(30, AccessType.ACCESS_TYPE_DIAL_OUT, '+46812345678', 600),
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await t?.stop();
    fs.rmSync(editedRules, { recursive: true, force: true });
  });

  it('closes with the plan tiers and corrects the issued invoice after a rerate', async () => {
    const closed = await cli(['close', '--period', '2026-10', '--customer', 'CLI-VOL', '--issue']);
    // 1200 min on tier 1 (1000 x 0.10) and tier 2 (200 x 0.08 + 5.00) = 121.00, + 0.60 dial-out = 121.60; VAT 30.40; 152.00
    // The CLI issues on the real clock ("today"), so the number carries the year the suite runs in.
    expect(closed).toMatch(/INV-\d{4}-\d{6}\s+invoice\s+ISSUED\s+CLI-VOL\s+2026-10\s+152\.00 EUR/);
    expect(closed).toContain('1 invoice(s), 0 customer(s) skipped');

    // The same rules again: nothing to correct.
    const october = [
      'rerate',
      '--customer',
      'CLI-VOL',
      '--from',
      '2026-10-01T00:00:00+02:00',
      '--to',
      '2026-11-01T00:00:00+01:00',
    ];
    const same = await cli(october);
    expect(same).toContain('re-rated 21 charge(s), 0 changed (0 on issued invoices), 0 newly rated');
    expect(same).not.toMatch(/CN-|INV-/);

    // With the fixed rules the dial-out costs 0.50 instead of 0.60: at a new price it is a new line, so the
    // credit note takes back the old line (0.60 net, VAT 0.15, -0.75 gross) and a supplementary invoice
    // bills the new one (0.50 net, VAT 0.125 -> 0.13, 0.63 gross): every line quantity x its own price.
    const fixed = await cli([...october, '--reason', 'Dial-out SE price fix'], editedRules);
    expect(fixed).toContain('re-rated 21 charge(s), 1 changed (1 on issued invoices), 0 newly rated');
    expect(fixed).toMatch(/CN-\d{4}-\d{6}\s+credit note\s+ISSUED\s+CLI-VOL\s+2026-10\s+-0\.75 EUR/);
    expect(fixed).toMatch(/INV-\d{4}-\d{6}\s+invoice\s+ISSUED\s+CLI-VOL\s+2026-10\s+0\.63 EUR/);

    const bad = await cli([
      'rerate',
      '--customer',
      'CLI-VOL',
      '--from',
      'yesterday',
      '--to',
      '2026-11-01T00:00:00+01:00',
    ]).catch((e: { stderr: string; code: number }) => e);
    expect(bad).toMatchObject({ code: 1 });
    expect((bad as { stderr: string }).stderr).toContain('--from');
  }, 60_000);
});

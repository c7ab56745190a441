/**
 * Every charge names a rule set in the archive (migration RuleSetCheckPerStatement): checked once
 * per statement instead of by a foreign key per row. What a user relies on, on both databases: a
 * statement that would store a charge of an unarchived rule set stores nothing at all (its other
 * rows included), a charge's rule set cannot be changed, and no archived rule set can be removed,
 * so no charge can lose the rule set that explains it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/app/clock';
import { CdrOutcome } from '../../src/gen/billing/v1/cdr';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { answeredCall } from '../support/answered-call';
import { createCustomers } from '../support/customers';
import { startTestService, type TestService } from '../support/test-service';
import { knexOf, rowsOf } from '../invoicing-service/support';

let t: TestService;
beforeAll(async () => {
  t = await startTestService({
    clock: new FixedClock(new Date('2026-12-15T12:00:00Z')),
    env: { BILLING_CLOSE_INTERVAL_MS: '0' },
  });
  await createCustomers(t.client(CustomerServiceDefinition, 'sales'), ['ARCH']);
  const submitted = await t.client(CdrIngestServiceDefinition, 'bridge').submitCdrs({
    requestId: 'arch-1',
    cdrs: [
      answeredCall({
        bridgeId: 'part-bridge',
        recordId: 'arch-1',
        customerAccount: 'ARCH',
        calledNumber: '+46812345678',
        start: '2026-12-10T09:00:00Z',
        seconds: 300,
      }),
    ],
  });
  expect(submitted.results.map((r) => r.outcome)).toEqual([CdrOutcome.CDR_OUTCOME_ACCEPTED]);
});
afterAll(async () => {
  await t?.stop();
});

const sql = <T>(text: string) => rowsOf<T>(knexOf(t.service.database).raw(text));

/** SQLSTATE of a failed statement (node-postgres and PGlite both set `code`). */
async function failure(text: string): Promise<{ code?: string; message: string }> {
  try {
    await sql(text);
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error(`expected to fail: ${text}`);
}

/** A copy of the stored charge, superseded (so it does not compete as the CDR's current charge). */
const copyOfTheCharge = (ruleSetHash: string) => `
  select cdr_id, customer_account, call_start, amount, currency, ${ruleSetHash}, fired_rules, zone,
         billed_seconds, parts, pricing_facts, access_type, now()
  from charges where customer_account = 'ARCH'`;
const INSERT_COLUMNS = `insert into charges (cdr_id, customer_account, call_start, amount, currency, rule_set_hash,
  fired_rules, zone, billed_seconds, parts, pricing_facts, access_type, superseded_at)`;

const state = async () => {
  const [row] = await sql<{ charges: number; rule_sets: number; hash: string }>(
    `select (select count(*)::int from charges) as charges, (select count(*)::int from rule_sets) as rule_sets,
            (select min(rule_set_hash) from charges) as hash`,
  );
  return row!;
};

describe('the rule set a charge names', () => {
  it('must be archived: a statement with one unarchived rule set stores none of its charges', async () => {
    const before = await state();
    const refused = await failure(
      `${INSERT_COLUMNS} ${copyOfTheCharge('rule_set_hash')} union all ${copyOfTheCharge(`'never-archived'`)}`,
    );
    expect(refused.code).toBe('23503');
    expect(refused.message).toContain('never-archived');
    expect(await state()).toEqual(before);

    // The same copy naming the archived rule set is stored: the check refuses only what it should.
    await sql(`${INSERT_COLUMNS} ${copyOfTheCharge('rule_set_hash')}`);
    expect((await state()).charges).toBe(before.charges + 1);
  });

  it('never changes on a stored charge', async () => {
    const before = await state();
    const refused = await failure(`update charges set rule_set_hash = 'never-archived'`);
    expect(refused.code).toBe('23503');
    // Setting it to what it is already (an UPDATE listing every column) is not a change.
    await sql(`update charges set rule_set_hash = rule_set_hash`);
    expect(await state()).toEqual(before);
  });

  it('is never removed from the archive', async () => {
    const before = await state();
    for (const statement of [
      `delete from rule_sets`,
      `update rule_sets set hash = hash || '-renamed'`,
      `truncate rule_sets cascade`,
    ]) {
      expect((await failure(statement)).code, statement).toBe('23503');
    }
    expect(await state()).toEqual(before);
  });
});

/**
 * A contract's price_plan must be a plan of the live rule book: a periodPricing.plans key or a
 * value its rules test the pricePlan fact against. An unknown plan is INVALID_ARGUMENT on
 * `contract.price_plan`, listing the known plans. A "*" fallback plan does not make every name
 * acceptable (a typo would silently fall into it).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClientError, Status } from 'nice-grpc';
import { BadRequest, RichClientError } from 'nice-grpc-error-details';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { createCustomers, plainContract } from '../support/customers';
import { REPO_ROOT, startTestService, type TestService } from '../support/test-service';
import type { RuleSetFileJson } from '../../src/domain/rating/index';

let t: TestService;
let withFallback: TestService;
let rulesDir: string;

beforeAll(async () => {
  t = await startTestService();
  // The same rules with a "*" entry in the 2026 set's period pricing.
  rulesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'price-plan-rules-'));
  fs.cpSync(path.join(REPO_ROOT, 'rules'), rulesDir, { recursive: true });
  const file = path.join(rulesDir, 'standard-2026', 'ruleset.json');
  const ruleset = JSON.parse(fs.readFileSync(file, 'utf8')) as RuleSetFileJson;
  ruleset.periodPricing!.plans['*'] = { minimumCommitment: { amount: '10.00' } };
  fs.writeFileSync(file, JSON.stringify(ruleset, null, 2));
  withFallback = await startTestService({ rulesDir });
  for (const s of [t, withFallback])
    await createCustomers(s.client(CustomerServiceDefinition, 'sales'), ['PP']);
}, 60_000);

afterAll(async () => {
  await t?.stop();
  await withFallback?.stop();
  if (rulesDir) fs.rmSync(rulesDir, { recursive: true, force: true });
});

let seq = 0;
function upsert(s: TestService, pricePlan: string) {
  const contract = plainContract('PP', { externalId: `PP-K-${++seq}`, pricePlan });
  return s.client(CustomerServiceDefinition, 'sales').upsertContract({ requestId: `pp-${seq}`, contract });
}

async function violations(call: Promise<unknown>): Promise<{ field: string; description: string }[]> {
  const error = await call.then(
    () => expect.fail('the call succeeded'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ClientError);
  expect(Status[(error as ClientError).code]).toBe('INVALID_ARGUMENT');
  const details = error instanceof RichClientError ? error.extra : [];
  return details.flatMap((d) =>
    d.$type === BadRequest.$type
      ? d.fieldViolations.map((v) => ({ field: v.field, description: v.description }))
      : [],
  );
}

const KNOWN = '"education", "enterprise", "nonprofit", "volume-2026"';

describe('UpsertContract price_plan', () => {
  it('accepts a period-pricing plan, a plan only rules test, and no plan', async () => {
    for (const plan of ['volume-2026', 'enterprise', '']) {
      expect((await upsert(t, plan)).contract!.pricePlan).toBe(plan);
    }
  });

  it('refuses an unknown plan on contract.price_plan, listing the known plans, and stores nothing', async () => {
    const found = await violations(upsert(t, 'standard-2026'));
    expect(found).toEqual([
      {
        field: 'contract.price_plan',
        description: `unknown price plan "standard-2026"; the rule set knows ${KNOWN}`,
      },
    ]);
    const listed = await t
      .client(CustomerServiceDefinition, 'sales')
      .listContracts({ customerExternalId: 'PP' });
    expect(listed.contracts.map((c) => c.pricePlan)).not.toContain('standard-2026');
  });

  it('with a "*" fallback plan still refuses an unknown name, and "*" itself', async () => {
    expect((await upsert(withFallback, 'volume-2026')).contract!.pricePlan).toBe('volume-2026');
    for (const plan of ['volume-2062', '*']) {
      const found = await violations(upsert(withFallback, plan));
      expect(found).toEqual([
        {
          field: 'contract.price_plan',
          description: `unknown price plan ${JSON.stringify(plan)}; the rule set knows ${KNOWN}`,
        },
      ]);
    }
  });
});

/**
 * Keyset paging over rows whose numeric ids cross a digit boundary (9 -> 10): ordered as text, id
 * '10' sorted before '9' and a page could skip or repeat customers that share a name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { startTestService, type TestService } from '../support/test-service';

let t: TestService;

beforeAll(async () => {
  t = await startTestService({ env: { BILLING_CLOSE_INTERVAL_MS: '0' } });
  const sales = t.client(CustomerServiceDefinition, 'sales');
  for (let i = 1; i <= 23; i++) {
    await sales.upsertCustomer({
      requestId: `same-name-${i}`,
      customer: {
        externalId: `SAME-${i}`,
        name: 'Same Name AB',
        countryCode: 'SE',
        currencyCode: 'SEK',
        timeZone: 'Europe/Stockholm',
      },
    });
  }
});

afterAll(async () => {
  await t?.stop();
});

describe('ListCustomers paging', () => {
  it('lists every customer once, in order, across pages, when many share a name', async () => {
    const sales = t.client(CustomerServiceDefinition, 'sales');
    const seen: string[] = [];
    let pageToken = '';
    do {
      const page = await sales.listCustomers({ query: 'Same Name', pageSize: 4, pageToken });
      seen.push(...page.customers.map((c) => c.externalId));
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(seen).toHaveLength(23);
    expect(new Set(seen).size).toBe(23);
    expect(seen).toEqual(Array.from({ length: 23 }, (_, i) => `SAME-${i + 1}`));
  });
});

/**
 * Delivery where an attempt goes wrong in ways the happy tests do not reach: a worker that dies
 * during every attempt (the document must still be given up after its budget, not claimed every
 * lease forever), a send that outlives its lease and completes after another worker gave up, and a
 * failure message PostgreSQL cannot store (it must not abort the round for the rest of the batch).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/app/clock';
import { deliverDueDocuments, type DeliveryDeps } from '../../src/app/delivery/deliver-due-documents';
import type { DocumentSender, DocumentSource } from '../../src/app/delivery/ports';
import type { RetryPolicy } from '../../src/app/delivery/retry-policy';
import { DirectorySender } from '../../src/adapters/directory-sender';
import { PostgresOutboxStore } from '../../src/persistence/document-outbox';
import { startTestService, type TestService } from '../support/test-service';
import { closeOctober, knexOf, outboxRow, rowsOf } from '../delivery/support';

let t: TestService;
let dir: string;
const clock = new FixedClock('2026-12-01T08:00:00Z');
const POLICY: RetryPolicy = {
  firstRetryMs: 1_000,
  maxRetryMs: 4_000,
  maxAttempts: 3,
  leaseMs: 60_000,
  batchSize: 5,
};
const log = { info: () => {}, warn: () => {}, error: () => {} };

const source: DocumentSource = async (invoiceId) => {
  const [row] = await rowsOf<{ number: string }>(
    knexOf(t.service.database).raw(`select number from invoices where id = ?::bigint`, [invoiceId]),
  );
  return {
    number: row!.number,
    fileName: `${row!.number}.xml`,
    contentType: 'application/xml',
    content: Buffer.from(`<Invoice><ID>${row!.number}</ID></Invoice>`),
  };
};

function deps(over: Partial<DeliveryDeps> = {}): DeliveryDeps {
  return {
    outbox: new PostgresOutboxStore(t.service.database),
    source,
    sender: new DirectorySender(dir),
    policy: POLICY,
    now: () => clock.now(),
    log,
    ...over,
  };
}

async function markAllDeliveredExcept(keep: string[]) {
  await knexOf(t.service.database).raw(
    `update document_outbox o set status = 'delivered', delivered_at = now()
     from invoices i where i.id = o.invoice_id and o.status <> 'delivered' and not (i.number = any(?))`,
    [keep],
  );
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'billing-outbox-give-up-'));
  t = await startTestService({
    clock: new FixedClock('2026-11-28T12:00:00Z'),
    env: { BILLING_CLOSE_INTERVAL_MS: '0' },
  });
}, 60_000);
afterAll(async () => {
  await t?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('delivery when attempts go wrong', () => {
  it('a document whose attempts never finish (worker dies mid-send) is given up after maxAttempts, not claimed forever', async () => {
    const [inv] = await closeOctober(t, ['d1-crash']);
    await markAllDeliveredExcept([inv!.number]);
    const store = new PostgresOutboxStore(t.service.database);
    // Each "attempt" claims and then the process dies: nothing is recorded; the lease expires.
    for (let i = 0; i < POLICY.maxAttempts; i++) {
      const now = clock.now();
      const claims = await store.claim(5, now, new Date(now.getTime() + POLICY.leaseMs));
      expect(claims.map((c) => c.invoiceNumber)).toEqual([inv!.number]);
      clock.advance(POLICY.leaseMs + 1);
    }
    // The next round must not send it again: it has used its whole budget of attempts.
    let sent = 0;
    const sender: DocumentSender = { send: () => (sent++, Promise.resolve({ deliveredTo: 'x' })) };
    const report = await deliverDueDocuments(deps({ sender }));
    expect(sent).toBe(0);
    expect(report).toEqual({ delivered: 0, retried: 0, failed: 1 });
    expect(await outboxRow(t, inv!.number)).toMatchObject({ status: 'failed' });
  });

  it('a delivery that completes after another worker gave up on the row is still recorded as delivered', async () => {
    const [inv] = await closeOctober(t, ['d2-late']);
    await markAllDeliveredExcept([inv!.number]);
    const store = new PostgresOutboxStore(t.service.database);
    const now = clock.now();
    const [slow] = await store.claim(5, now, new Date(now.getTime() + POLICY.leaseMs)); // worker A, slow send
    clock.advance(POLICY.leaseMs + 1);
    const later = clock.now();
    for (let i = 1; i < POLICY.maxAttempts; i++) {
      const [c] = await store.claim(5, clock.now(), new Date(later.getTime() + POLICY.leaseMs)); // worker B
      await store.markFailed(c!, {
        error: 'source down',
        retryAt: i + 1 < POLICY.maxAttempts ? later : undefined,
      });
    }
    expect(await outboxRow(t, inv!.number)).toMatchObject({ status: 'failed' });
    // A's send finally completes: the file is in the directory.
    await store.markDelivered(slow!, { deliveredTo: '/x', format: 'application/xml', at: clock.now() });
    expect(await outboxRow(t, inv!.number)).toMatchObject({ status: 'delivered' });
  });

  it('a failure whose message PostgreSQL cannot store does not abort the round for the rest of the batch', async () => {
    const invs = await closeOctober(t, ['d3-a', 'd3-b']);
    await markAllDeliveredExcept(invs.map((i) => i.number));
    const poison = invs[0]!.number;
    const report = await deliverDueDocuments(
      deps({
        source: async (id) => {
          const doc = await source(id);
          if (doc.number === poison) throw new Error('bad character \u0000 in buyer name');
          return doc;
        },
      }),
    ).catch((e: Error) => e);
    expect(report).toEqual({ delivered: 1, retried: 1, failed: 0 });
    expect(await outboxRow(t, invs[1]!.number)).toMatchObject({ status: 'delivered' });
    expect(await outboxRow(t, poison)).toMatchObject({ status: 'pending', attempts: 1 });
  });
});

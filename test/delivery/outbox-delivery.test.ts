/**
 * Delivery against the real database and the real directory sender, with the service running but
 * no BILLING_OUTBOX_DIR (so its rows stay pending and the workers here are the only ones): retries
 * with backoff, giving up and `retry`, a crash after the link, and two workers racing. The clock is
 * a FixedClock moved past each backoff: no test sleeps for a retry.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/app/clock';
import type { DeliveryDeps } from '../../src/app/delivery/deliver-due-documents';
import { DeliveryWorker } from '../../src/app/delivery/delivery-worker';
import type { DocumentSender, DocumentSource } from '../../src/app/delivery/ports';
import type { RetryPolicy } from '../../src/app/delivery/retry-policy';
import { DirectorySender } from '../../src/adapters/directory-sender';
import { PostgresOutboxStore } from '../../src/persistence/document-outbox';
import { REPO_ROOT, startTestService, type TestService } from '../support/test-service';
import { closeOctober, knexOf, outboxRow, outboxRows, rowsOf } from './support';

let t: TestService;
let dir: string;
const clock = new FixedClock('2026-12-01T08:00:00Z');
const POLICY: RetryPolicy = {
  firstRetryMs: 1_000,
  maxRetryMs: 4_000,
  maxAttempts: 4,
  leaseMs: 60_000,
  batchSize: 3,
};

/** Format-agnostic: the document's bytes name it, so a file can be traced to its document. */
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

interface Logged {
  level: string;
  obj: object;
  msg: string;
}
let logged: Logged[] = [];
const log = {
  info: (obj: object, msg: string) => logged.push({ level: 'info', obj, msg }),
  warn: (obj: object, msg: string) => logged.push({ level: 'warn', obj, msg }),
  error: (obj: object, msg: string) => logged.push({ level: 'error', obj, msg }),
};

let links = 0;
const countingSender = () =>
  new DirectorySender(dir, {
    link: async (from, to) => {
      links++;
      await fs.promises.link(from, to);
    },
  });

function worker(sender: DocumentSender): DeliveryWorker {
  const deps: DeliveryDeps = {
    outbox: new PostgresOutboxStore(t.service.database),
    source,
    sender,
    policy: POLICY,
    now: () => clock.now(),
    log,
  };
  return new DeliveryWorker(deps, 0);
}

const files = () => fs.readdirSync(dir).sort();

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'billing-outbox-'));
  t = await startTestService({
    clock: new FixedClock('2026-11-28T12:00:00Z'),
    env: { BILLING_CLOSE_INTERVAL_MS: '0' },
  });
}, 60_000);

afterAll(async () => {
  await t?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the outbox without a delivery worker', () => {
  it('queues each issued document once, in the transaction that numbers it, and no draft', async () => {
    const [draft] = await closeOctober(t, ['q-draft'], false);
    expect(await outboxRows(t)).toEqual([]);
    const [issued] = await closeOctober(t, ['q-issued']);
    const rows = await outboxRows(t);
    expect(rows).toEqual([
      expect.objectContaining({
        number: issued!.number,
        status: 'pending',
        attempts: 0,
        next_attempt_at: null,
      }),
    ]);
    expect(draft!.number).toBe('');
    // The service has no BILLING_OUTBOX_DIR: nothing delivers it.
    expect(files()).toEqual([]);
  });
});

describe('delivery with the directory sender', () => {
  it('retries a failing sender with backoff, keeps the last error, and delivers once', async () => {
    let calls = 0;
    const real = countingSender();
    const flaky: DocumentSender = {
      send: (doc) =>
        ++calls <= 2 ? Promise.reject(new Error(`access point down (${calls})`)) : real.send(doc),
    };
    const w = worker(flaky);
    const number = (await outboxRows(t))[0]!.number;

    expect(await w.runOnce()).toEqual({ delivered: 0, retried: 1, failed: 0 });
    let row = await outboxRow(t, number);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, last_error: 'access point down (1)' });
    expect(new Date(row!.next_attempt_at!).getTime()).toBe(clock.now().getTime() + 1_000);

    // Not due yet: nothing is tried.
    expect(await w.runOnce()).toEqual({ delivered: 0, retried: 0, failed: 0 });
    clock.advance(1_000);
    expect(await w.runOnce()).toEqual({ delivered: 0, retried: 1, failed: 0 });
    row = await outboxRow(t, number);
    expect(row).toMatchObject({ status: 'pending', attempts: 2, last_error: 'access point down (2)' });
    expect(new Date(row!.next_attempt_at!).getTime()).toBe(clock.now().getTime() + 2_000);

    clock.advance(2_000);
    expect(await w.runOnce()).toEqual({ delivered: 1, retried: 0, failed: 0 });
    row = await outboxRow(t, number);
    expect(row).toMatchObject({
      status: 'delivered',
      attempts: 3,
      last_error: null,
      format: 'application/xml',
    });
    expect(row!.delivered_to).toBe(path.join(dir, `${number}.xml`));
    expect(calls).toBe(3);
    expect(files()).toEqual([`${number}.xml`]);
    expect(await w.runOnce()).toEqual({ delivered: 0, retried: 0, failed: 0 });
  });

  it('gives up after the maximum attempts, logs an error, and delivers after `retry`', async () => {
    const [invoice] = await closeOctober(t, ['q-broken']);
    const broken: DocumentSender = { send: () => Promise.reject(new Error('disk full')) };
    const w = worker(broken);
    logged = [];
    for (let i = 0; i < POLICY.maxAttempts; i++) {
      await w.runOnce();
      clock.advance(POLICY.maxRetryMs);
    }
    expect(await outboxRow(t, invoice!.number)).toMatchObject({
      status: 'failed',
      attempts: POLICY.maxAttempts,
      last_error: 'disk full',
    });
    const errors = logged.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.obj).toMatchObject({ number: invoice!.number, error: 'disk full' });
    expect(await w.runOnce()).toEqual({ delivered: 0, retried: 0, failed: 0 });

    const admin = new PostgresOutboxStore(t.service.database);
    expect((await admin.list({ status: 'failed', limit: 10 })).map((r) => r.invoiceNumber)).toEqual([
      invoice!.number,
    ]);
    expect(await admin.counts()).toEqual({ pending: 0, failed: 1 });
    expect(await admin.retry(invoice!.number)).toBe(true);
    expect(await admin.retry(invoice!.number)).toBe(false);
    expect(await outboxRow(t, invoice!.number)).toMatchObject({
      status: 'pending',
      attempts: 0,
      last_error: 'disk full',
    });
    expect(await worker(countingSender()).runOnce()).toEqual({ delivered: 1, retried: 0, failed: 0 });
    expect(await outboxRow(t, invoice!.number)).toMatchObject({ status: 'delivered', attempts: 1 });
  });

  it('records a document already in the directory (a crash after the link) as delivered, without writing it again', async () => {
    const [invoice] = await closeOctober(t, ['q-crashed']);
    const target = path.join(dir, `${invoice!.number}.xml`);
    const written = `<Invoice><ID>${invoice!.number}</ID></Invoice>`;
    fs.writeFileSync(target, written);
    links = 0;
    logged = [];
    expect(await worker(countingSender()).runOnce()).toEqual({ delivered: 1, retried: 0, failed: 0 });
    expect(links).toBe(1);
    expect(fs.readFileSync(target, 'utf8')).toBe(written);
    expect(await outboxRow(t, invoice!.number)).toMatchObject({
      status: 'delivered',
      attempts: 1,
      last_error: null,
    });
    expect(logged).toHaveLength(1);
    expect(logged[0]!.obj).toMatchObject({ alreadyThere: true });
    // No temporary file is left behind.
    expect(files().filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('leaves a different file of the same name alone and does not count the document as delivered', async () => {
    const [invoice] = await closeOctober(t, ['q-stale']);
    const target = path.join(dir, `${invoice!.number}.xml`);
    // Another installation's document with the same number, not yet picked up.
    fs.writeFileSync(target, '<Invoice><ID>from elsewhere</ID></Invoice>');
    logged = [];
    expect(await worker(countingSender()).runOnce()).toEqual({ delivered: 0, retried: 1, failed: 0 });
    expect(fs.readFileSync(target, 'utf8')).toBe('<Invoice><ID>from elsewhere</ID></Invoice>');
    const row = await outboxRow(t, invoice!.number);
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row!.last_error).toContain(`a different file named ${invoice!.number}.xml`);
    // Once it is moved away, the next attempt delivers.
    fs.rmSync(target);
    clock.advance(POLICY.maxRetryMs);
    expect(await worker(countingSender()).runOnce()).toEqual({ delivered: 1, retried: 0, failed: 0 });
    expect(fs.readFileSync(target, 'utf8')).toBe(`<Invoice><ID>${invoice!.number}</ID></Invoice>`);
    expect(files().filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('two workers racing on one database deliver each document exactly once', async () => {
    const accounts = Array.from({ length: 24 }, (_, i) => `race-${String(i).padStart(2, '0')}`);
    const invoices = await closeOctober(t, accounts);
    const before = files().length;
    links = 0;
    const a = worker(countingSender());
    const b = worker(countingSender());
    const reports = await Promise.all([a.runOnce(), b.runOnce()]);
    const delivered = reports.reduce((n, r) => n + r!.delivered, 0);
    expect(delivered).toBe(invoices.length);
    expect(links).toBe(invoices.length);
    expect(files().length - before).toBe(invoices.length);
    for (const invoice of invoices) {
      expect(fs.readFileSync(path.join(dir, `${invoice.number}.xml`), 'utf8')).toContain(invoice.number);
      expect(await outboxRow(t, invoice.number)).toMatchObject({ status: 'delivered', attempts: 1 });
    }
    expect(await new PostgresOutboxStore(t.service.database).counts()).toEqual({ pending: 0, failed: 0 });
  });
});

describe.runIf(Boolean(process.env.DATABASE_URL))('billing outbox (command line)', () => {
  const cli = (args: string[]) =>
    spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin/billing.mjs'), 'outbox', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...t.database.env, BILLING_LOG_LEVEL: 'error' },
      encoding: 'utf8',
    });

  it('lists failed documents and makes one pending again', async () => {
    const [invoice] = await closeOctober(t, ['q-cli']);
    const broken: DocumentSender = { send: () => Promise.reject(new Error('no route to access point')) };
    for (let i = 0; i < POLICY.maxAttempts; i++) {
      await worker(broken).runOnce();
      clock.advance(POLICY.maxRetryMs);
    }
    const list = cli(['list', '--status', 'failed']);
    expect(list.status).toBe(0);
    const lines = list.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^number\tkind\tcustomer\tstatus\tattempts/);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(
        new RegExp(`^${invoice!.number}\\tINVOICE\\tq-cli\\tfailed\\t4\\t.*no route to access point$`),
      ),
    ]);

    expect(cli(['retry', invoice!.number]).status).toBe(0);
    expect(await outboxRow(t, invoice!.number)).toMatchObject({ status: 'pending', attempts: 0 });
    const again = cli(['retry', invoice!.number]);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/no failed document numbered/);
  }, 60_000);
});

/**
 * The documents outbox end to end: the real service with BILLING_OUTBOX_DIR set, documents issued
 * through InvoiceService (closing, a credit note), delivered by the service's own worker into the
 * directory, once each, named by their number, and counted in the metrics. Format-agnostic: what
 * is rendered (PDF now, UBL later) is the composition root's choice.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/app/clock';
import { InvoiceServiceDefinition } from '../../src/gen/billing/v1/invoice_service';
import { uuid } from '../invoicing-service/support';
import { startTestService, type TestService } from '../support/test-service';
import { closeOctober, outboxRow, waitFor } from './support';

let t: TestService;
let dir: string;
let first: string;

const filesIn = () => fs.readdirSync(dir).sort();
const withoutExtension = (name: string) => name.slice(0, name.length - path.extname(name).length);

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'billing-outbox-'));
  t = await startTestService({
    clock: new FixedClock('2026-11-28T12:00:00Z'),
    env: { BILLING_OUTBOX_DIR: dir, BILLING_OUTBOX_INTERVAL_MS: '50', BILLING_CLOSE_INTERVAL_MS: '0' },
  });
}, 60_000);

afterAll(async () => {
  await t?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('delivery through the service', () => {
  it('delivers an issued invoice once, into the directory, named by its number', async () => {
    const [invoice] = await closeOctober(t, ['outbox-acme']);
    expect(invoice!.number).toMatch(/^INV-2026-\d{6}$/);
    first = invoice!.number;
    const row = await waitFor(async () => {
      const r = await outboxRow(t, invoice!.number);
      return r?.status === 'delivered' && r;
    });
    expect(row.attempts).toBe(1);
    expect(row.last_error).toBeNull();
    expect(row.format).toBeTruthy();
    const files = filesIn();
    expect(files.map(withoutExtension)).toEqual([invoice!.number]);
    expect(row.delivered_to).toBe(path.join(dir, files[0]!));
    expect(fs.statSync(path.join(dir, files[0]!)).size).toBeGreaterThan(0);
  });

  it('delivers a credit note too, and never a draft', async () => {
    const billing = t.client(InvoiceServiceDefinition, 'billing');
    const [draft] = await closeOctober(t, ['outbox-draft'], false);
    const [issued] = await closeOctober(t, ['outbox-credited']);
    const note = (
      await billing.createCreditNote({
        requestId: uuid(),
        invoiceId: issued!.id,
        reason: 'the whole invoice was a mistake',
        lines: [],
        issue: true,
      })
    ).creditNote!;
    expect(note.number).toMatch(/^CN-/);
    await waitFor(async () => (await outboxRow(t, note.number))?.status === 'delivered');
    await waitFor(async () => (await outboxRow(t, issued!.number))?.status === 'delivered');
    expect(filesIn().map(withoutExtension).sort()).toEqual([first, issued!.number, note.number].sort());
    expect(draft!.number).toBe('');
  });

  it('shows the outbox in the metrics', async () => {
    const text = await t.service.metrics.registry.metrics();
    expect(text).toMatch(/billing_outbox_documents\{status="pending"\} 0/);
    expect(text).toMatch(/billing_outbox_documents\{status="failed"\} 0/);
    expect(text).toMatch(/billing_outbox_deliveries_total\{outcome="delivered"\} 3/);
  });
});

/**
 * The export use case (src/app/bookkeeping/export-bookkeeping.ts) over a fake store: a bad month is a
 * ValidationError on `period`, a foreign-currency document without its SEK rate stops the export
 * naming the document, and the file is stamped with the seller's date and encoded at the edge.
 */
import { describe, expect, it } from 'vitest';
import { exportBookkeeping, type ExportBookkeepingDeps } from '../../src/app/bookkeeping/export-bookkeeping';
import { BAS_ACCOUNTS } from '../../src/domain/bookkeeping/accounts';
import { FailedPreconditionError, ValidationError } from '../../src/domain/errors';
import type { IssuedInvoiceDocument } from '../../src/domain/invoicing/types';
import { encodeSieText } from '../../src/documents/sie-encoding';
import { parseSie } from '../support/sie-parser';
import { issuedDocument, line } from '../support/issued-documents';

// The store's part (reading the month, recording its file) is faked: the month is read every time,
// as if never exported (test/invoicing-service/bookkeeping-months.test.ts covers the real one).
function deps(
  documents: IssuedInvoiceDocument[],
  asked: string[] = [],
  now = new Date('2026-11-30T23:30:00Z'),
): ExportBookkeepingDeps {
  return {
    documents: {
      exportMonth: (month, _exportedAt, build) => {
        asked.push(month);
        return Promise.resolve(build(documents));
      },
    },
    encode: encodeSieText,
    settings: {
      accounts: BAS_ACCOUNTS,
      voucherSeries: 'F',
      company: { name: 'Nordkonferens AB', registrationNumber: '556677-8899' },
      timeZone: 'Europe/Stockholm',
      program: { name: 'billing-integration', version: '9.9.9' },
    },
    // Default: 23:30 UTC on 30 Nov is 1 Dec in Stockholm
    now: () => now,
  };
}

describe('exportBookkeeping', () => {
  it('reads the month, books it and encodes the file', async () => {
    const asked: string[] = [];
    const file = await exportBookkeeping(
      deps([issuedDocument('INV-2026-000001', [line(1, '100.00', '25', 'S')])], asked),
      { period: '2026-11' },
    );
    expect(asked).toEqual(['2026-11']);
    expect(file).toMatchObject({ fileName: 'bookkeeping-2026-11.si', voucherCount: 1 });
    const sie = parseSie(file.content);
    expect(sie.head.get('#GEN')).toEqual(['20261201']);
    expect(sie.head.get('#PROGRAM')).toEqual(['billing-integration', '9.9.9']);
    expect(sie.vouchers[0]!.transactions.map((t) => t.amount)).toEqual(['125.00', '-100.00', '-25.00']);
  });

  it.each(['2026-13', '2026-1', '202611', '2026-11-01'])(
    'refuses period %j naming the field',
    async (period) => {
      const error = await exportBookkeeping(deps([]), { period }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).violations[0]!.field).toBe('period');
    },
  );

  it("refuses a month that has not ended in the seller's time zone, naming the first day it may be exported", async () => {
    const asked: string[] = [];
    // 22:30 UTC on 30 Nov is still 30 Nov in Stockholm (23:30): November is running.
    const running = deps([], asked, new Date('2026-11-30T22:30:00Z'));
    for (const period of ['2026-11', '2026-12', '2027-01']) {
      const error = await exportBookkeeping(running, { period }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FailedPreconditionError);
      expect((error as Error).message).toContain(`${period} has not ended`);
    }
    const error = await exportBookkeeping(running, { period: '2026-11' }).catch((e: unknown) => e);
    expect((error as Error).message).toContain('it can be exported from 2026-12-01 on');
    expect(asked).toEqual([]);
    // December's export may start on 1 January, across the year.
    const nextYear = await exportBookkeeping(running, { period: '2026-12' }).catch((e: unknown) => e);
    expect((nextYear as Error).message).toContain('from 2027-01-01 on');
    // One minute later (00:00 on 1 Dec in Stockholm), November may be exported; October always could.
    const ended = deps([], asked, new Date('2026-11-30T23:00:00Z'));
    await exportBookkeeping(ended, { period: '2026-11' });
    await exportBookkeeping(ended, { period: '2026-10' });
    expect(asked).toEqual(['2026-11', '2026-10']);
  });

  it('a foreign-currency document without its SEK rate stops the export, naming it', async () => {
    const eur = issuedDocument('INV-2026-000042', [line(1, '10.00', '25', 'S')], { currency: 'EUR' });
    const error = await exportBookkeeping(deps([eur]), { period: '2026-11' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FailedPreconditionError);
    expect((error as Error).message).toContain('invoice INV-2026-000042 is in EUR');
  });
});

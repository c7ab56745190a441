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

function deps(documents: IssuedInvoiceDocument[], asked: string[] = []): ExportBookkeepingDeps {
  return {
    documents: {
      issuedInMonth: (month) => {
        asked.push(month);
        return Promise.resolve(documents);
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
    // 23:30 UTC on 30 Nov is 1 Dec in Stockholm
    now: () => new Date('2026-11-30T23:30:00Z'),
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

  it('a foreign-currency document without its SEK rate stops the export, naming it', async () => {
    const eur = issuedDocument('INV-2026-000042', [line(1, '10.00', '25', 'S')], { currency: 'EUR' });
    const error = await exportBookkeeping(deps([eur]), { period: '2026-11' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FailedPreconditionError);
    expect((error as Error).message).toContain('invoice INV-2026-000042 is in EUR');
  });
});

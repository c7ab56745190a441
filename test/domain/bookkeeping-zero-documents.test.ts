/**
 * A document that books nothing: its lines cancel out (a line and its negative, e.g. included
 * minutes that cover the usage), so every amount is 0.00. It has no voucher, rather than a voucher
 * of one `1510 0.00` row that bookkeeping programs reject; and no voucher carries a 0.00 row.
 */
import { describe, expect, it } from 'vitest';
import { BAS_ACCOUNTS } from '../../src/domain/bookkeeping/accounts';
import { bookDocuments } from '../../src/domain/bookkeeping/book-documents';
import { issuedDocument, line } from '../support/issued-documents';

describe('documents whose amounts cancel out', () => {
  it('a document of 0.00 in all has no voucher, and the others are booked as usual', () => {
    const zero = issuedDocument('INV-2026-000007', [
      line(1, '100.00', '25', 'S'),
      line(2, '-100.00', '25', 'S'),
    ]);
    const paid = issuedDocument('INV-2026-000008', [line(1, '10.00', '25', 'S')]);
    expect(zero.totals.grossTotal).toBe('0.00');
    const booked = bookDocuments([zero, paid], BAS_ACCOUNTS, 'F');
    expect(booked.vouchers.map((v) => v.documentNumber)).toEqual(['INV-2026-000008']);
    expect(booked.vouchers.flatMap((v) => v.transactions.map((t) => t.amount))).not.toContain('0.00');
  });

  it('a document whose gross is 0.00 but whose revenue moves between accounts keeps those rows only', () => {
    // 100.00 at 0 % reverse charge, -100.00 exempt: nothing receivable, revenue moved between accounts.
    const moved = issuedDocument('INV-2026-000009', [
      line(1, '100.00', '0', 'AE'),
      line(2, '-100.00', '0', 'E'),
    ]);
    const [voucher] = bookDocuments([moved], BAS_ACCOUNTS, 'F').vouchers;
    expect(voucher!.transactions).toEqual([
      { account: '3308', amount: '-100.00' },
      { account: '3004', amount: '100.00' },
    ]);
  });

  it('a month of only such documents is a file without vouchers or accounts', () => {
    const zero = issuedDocument('INV-2026-000010', [line(1, '5.00', '25', 'S'), line(2, '-5.00', '25', 'S')]);
    expect(bookDocuments([zero], BAS_ACCOUNTS, 'F')).toEqual({ vouchers: [], accounts: [] });
  });
});

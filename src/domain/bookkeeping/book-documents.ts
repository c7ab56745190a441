/**
 * A month's issued documents as vouchers, in issue order, with the accounts they use; a document
 * that books nothing (all its amounts 0.00) has none. Every document that cannot be booked is named
 * in one error, so the clerk fixes them all before exporting again (a file with some documents left
 * out would look complete in the ledger).
 */
import { DomainError, FailedPreconditionError } from '../errors';
import type { IssuedInvoiceDocument } from '../invoicing/types';
import { accountName, type AccountNumber, type BookkeepingAccounts } from './accounts';
import { voucherFor, type Voucher } from './vouchers';

export interface BookedDocuments {
  vouchers: Voucher[];
  /** Ascending by number. */
  accounts: { number: AccountNumber; name: string }[];
}

const MAX_PROBLEMS_LISTED = 20;

/** Within a day, invoices before the credit notes that may correct them. */
const KIND_ORDER = { invoice: 0, credit_note: 1 } as const;

export function bookDocuments(
  documents: readonly IssuedInvoiceDocument[],
  accounts: BookkeepingAccounts,
  series: string,
): BookedDocuments {
  const ordered = [...documents].sort(
    (a, b) =>
      a.issueDate.localeCompare(b.issueDate) ||
      KIND_ORDER[a.documentType] - KIND_ORDER[b.documentType] ||
      a.number.localeCompare(b.number),
  );
  const vouchers: Voucher[] = [];
  const used = new Map<AccountNumber, string>();
  const problems: string[] = [];
  for (const doc of ordered) {
    try {
      const booked = voucherFor(doc, accounts, series);
      // A document of 0.00 throughout changes no account: no voucher, rather than one without rows
      // or with a lone `1510 0.00` that bookkeeping programs refuse. It stays in the invoice register.
      if (!booked.voucher.transactions.length) continue;
      vouchers.push(booked.voucher);
      for (const a of booked.accounts)
        if (!used.has(a.number)) used.set(a.number, accountName(accounts, a.number, a.role));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length) {
    const more =
      problems.length > MAX_PROBLEMS_LISTED ? `; and ${problems.length - MAX_PROBLEMS_LISTED} more` : '';
    throw new FailedPreconditionError(
      `${problems.length} document(s) cannot be booked: ${problems.slice(0, MAX_PROBLEMS_LISTED).join('; ')}${more}`,
    );
  }
  return {
    vouchers,
    accounts: [...used.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([number, name]) => ({ number, name })),
  };
}

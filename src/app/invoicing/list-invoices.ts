import { decodePageToken, encodePageToken, isNumericId, isTimestamp, pageScope } from '../paging';
import type { InvoiceFilter, InvoiceStore, StoredInvoice } from './ports';

export interface ListInvoicesDeps {
  store: Pick<InvoiceStore, 'listInvoices'>;
}

export interface ListInvoicesInput {
  filter: InvoiceFilter;
  pageSize: number;
  pageToken?: string | undefined;
}

/** Invoices and credit notes, latest period first (issue order within a period), a page at a time. */
export async function listInvoices(
  deps: ListInvoicesDeps,
  input: ListInvoicesInput,
): Promise<{ invoices: StoredInvoice[]; nextPageToken: string }> {
  // A token continues the list of this filter only: under another filter (or as another list's
  // token, whose key may not even be an instant) it would skip that filter's rows before its key.
  const f = input.filter;
  const scope = pageScope(
    'invoices',
    f.customerAccount,
    f.periodStartFrom,
    f.periodStartTo,
    f.status,
    f.kind,
  );
  const after = decodePageToken(input.pageToken, [isTimestamp, isNumericId], scope) as
    [string, string] | undefined;
  const page = await deps.store.listInvoices(input.filter, input.pageSize, after);
  return { invoices: page.invoices, nextPageToken: page.next ? encodePageToken(page.next, scope) : '' };
}

import { ValidationError } from '../../domain/errors';
import { decodePageToken, encodePageToken } from '../paging';
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
  const token = decodePageToken(input.pageToken);
  let after: [string, string] | undefined;
  if (token) {
    const [at, id] = token;
    if (
      typeof at !== 'string' ||
      Number.isNaN(Date.parse(at)) ||
      typeof id !== 'string' ||
      !/^\d+$/.test(id)
    ) {
      throw new ValidationError([{ field: 'page_token', reason: 'not a page token from this service' }]);
    }
    after = [at, id];
  }
  const page = await deps.store.listInvoices(input.filter, input.pageSize, after);
  return { invoices: page.invoices, nextPageToken: page.next ? encodePageToken(page.next) : '' };
}

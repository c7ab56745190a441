import type { StoredInvoice } from './ports';
import { mustGetInvoice, resolveInvoiceId, type InvoiceLookupStore } from './invoice-lookup';

export interface GetInvoiceDeps {
  store: InvoiceLookupStore;
}

/** One invoice or credit note, by id or by number. */
export async function getInvoice(
  deps: GetInvoiceDeps,
  input: { id?: string; number?: string },
): Promise<StoredInvoice> {
  return mustGetInvoice(deps.store, await resolveInvoiceId(deps.store, input));
}

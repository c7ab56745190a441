/** Finding one invoice by id or number, for the use cases that act on one. */
import { NotFoundError, ValidationError } from '../../domain/errors';
import type { InvoiceStore, StoredInvoice } from './ports';

export type InvoiceLookupStore = Pick<InvoiceStore, 'findInvoiceId' | 'getInvoices'>;

/** Refuses what cannot be an id of this service before it reaches the database (a bigint). */
export function checkInvoiceId(id: string, field: string): void {
  if (!/^\d{1,18}$/.test(id))
    throw new ValidationError([{ field, reason: 'not an invoice id from this service' }]);
}

/** The id of the invoice with this id or number; NotFoundError when there is none. */
export async function resolveInvoiceId(
  store: InvoiceLookupStore,
  key: { id?: string | undefined; number?: string | undefined },
): Promise<string> {
  const { id, number } = key;
  if (id) checkInvoiceId(id, 'invoice_id');
  else if (!number)
    throw new ValidationError([
      { field: 'invoice_id', reason: 'one of invoice_id or invoice_number is required' },
    ]);
  const found = await store.findInvoiceId(id ? { id } : { number });
  if (!found)
    throw new NotFoundError(
      id ? `no invoice with id ${id}` : `no invoice numbered ${JSON.stringify(number)}`,
    );
  return found;
}

export async function mustGetInvoice(
  store: Pick<InvoiceStore, 'getInvoices'>,
  id: string,
): Promise<StoredInvoice> {
  const [invoice] = await store.getInvoices([id]);
  if (!invoice) throw new NotFoundError(`no invoice with id ${id}`);
  return invoice;
}

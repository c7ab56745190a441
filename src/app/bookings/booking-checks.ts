/** Checks shared by the booking mutations (create, update), inside their transaction. */
import { ValidationError } from '../../domain/errors';
import { validateBookingInput, type BookingInput } from './booking';
import type { BookingTransaction } from './ports';

export function checkInput(input: BookingInput | undefined): BookingInput {
  if (!input) throw new ValidationError([{ field: 'booking', reason: 'required' }]);
  const violations = validateBookingInput(input);
  if (violations.length) throw new ValidationError(violations);
  return input;
}

export async function customerZone(tx: BookingTransaction, account: string): Promise<string> {
  const customer = await tx.customer(account);
  if (!customer) {
    throw new ValidationError([
      {
        field: 'booking.customer_account',
        reason: `unknown customer ${JSON.stringify(account)}; sales must create it first`,
      },
    ]);
  }
  return customer.timeZone;
}

export async function checkReference(
  tx: BookingTransaction,
  reference: string,
  self?: string,
): Promise<void> {
  if (!reference) return;
  const holder = await tx.bookingWithReference(reference);
  if (holder && holder !== self) {
    throw new ValidationError([
      { field: 'booking.external_reference', reason: `already used by booking ${holder}` },
    ]);
  }
}

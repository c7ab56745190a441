/**
 * The result of checking an identifier (organisation number, VAT number, account, IBAN, ...): the
 * value in its canonical form, or the precise reason it is not valid, in words a person can fix.
 */
export type IdCheck = { ok: true; value: string } | { ok: false; reason: string };

export const valid = (value: string): IdCheck => ({ ok: true, value });
export const invalid = (reason: string): IdCheck => ({ ok: false, reason });

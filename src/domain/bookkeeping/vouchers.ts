/**
 * An issued invoice or credit note as a bookkeeping voucher in SEK: receivables debited with the
 * gross, revenue credited per account (by VAT treatment), output VAT credited per rate. A credit
 * note's amounts are already negative, so the same rule books it with opposite signs.
 *
 * Rounding, for a document in another currency (the SEK rate recorded at issue, never looked up
 * again): each revenue amount (the document's net per revenue account) and each rate's VAT is
 * converted and rounded to 2 decimals half-up; the VAT is then corrected by the cent differences so
 * it equals accountingCurrencyVat.vatTotal (what the invoice states as VAT in SEK; the correction
 * goes to the largest rate's VAT), and the receivable takes whatever makes the voucher balance.
 * A SEK document books its own amounts unchanged. Every voucher sums to exactly 0.00, and has no
 * row of 0.00: a document whose amounts all cancel out has no rows at all (see bookDocuments).
 */
import { FailedPreconditionError } from '../errors';
import type { IssuedInvoiceDocument } from '../invoicing/types';
import { Decimal, formatAmount, parseAmount, roundMoney, ZERO } from '../money';
import { revenueAccount, type AccountNumber, type AccountRole, type BookkeepingAccounts } from './accounts';

/** The currency every voucher is in (#VALUTA). */
export const ACCOUNTING_CURRENCY = 'SEK';

export interface VoucherTransaction {
  account: AccountNumber;
  /** SEK, 2 decimals; debit positive, credit negative (SIE's convention). */
  amount: string;
}

export interface Voucher {
  series: string;
  /** The document's issue date, YYYY-MM-DD. */
  date: string;
  /** Names the document: kind, number, buyer (and currency and rate when converted). */
  text: string;
  /** The invoice or credit note number. */
  documentNumber: string;
  transactions: VoucherTransaction[];
}

export interface BookedVoucher {
  voucher: Voucher;
  /** Every account the voucher uses, with what it is for (names the #KONTO line). */
  accounts: { number: AccountNumber; role: AccountRole }[];
}

function describe(doc: IssuedInvoiceDocument): string {
  return doc.documentType === 'credit_note' ? `credit note ${doc.number}` : `invoice ${doc.number}`;
}

/** SEK per unit of the document's currency: 1 for SEK, else the rate recorded at issue. */
function sekRate(doc: IssuedInvoiceDocument): { rate: Decimal; vatTotal: Decimal } {
  if (doc.currency === ACCOUNTING_CURRENCY)
    return { rate: new Decimal(1), vatTotal: parseAmount(doc.totals.vatTotal) };
  const acv = doc.accountingCurrencyVat;
  if (!acv || acv.currency !== ACCOUNTING_CURRENCY) {
    throw new FailedPreconditionError(
      `${describe(doc)} is in ${doc.currency} and has no ${ACCOUNTING_CURRENCY} exchange rate recorded at issue, so it cannot be booked in ${ACCOUNTING_CURRENCY}`,
    );
  }
  return { rate: parseAmount(acv.rate), vatTotal: parseAmount(acv.vatTotal) };
}

function toSek(amount: Decimal, rate: Decimal): Decimal {
  return roundMoney(amount.times(rate), 2);
}

/** 2 decimals, and never "-0.00". */
function amountText(amount: Decimal): string {
  return amount.isZero() ? '0.00' : formatAmount(amount, 2);
}

/** The voucher of one issued document; throws FailedPreconditionError when it cannot be booked. */
export function voucherFor(
  doc: IssuedInvoiceDocument,
  accounts: BookkeepingAccounts,
  series: string,
): BookedVoucher {
  const { rate, vatTotal } = sekRate(doc);

  // Revenue: the line net amounts per revenue account, in the document's currency.
  const revenue = new Map<AccountNumber, { role: AccountRole; net: Decimal }>();
  for (const line of doc.lines) {
    const target = revenueAccount(accounts, line.vatCategory, line.vatRate);
    if (!target) {
      throw new FailedPreconditionError(
        `${describe(doc)} has a line at ${line.vatRate} % VAT and no revenue account is configured for that rate (BILLING_BOOKKEEPING_FILE)`,
      );
    }
    const entry = revenue.get(target.number) ?? { role: target.role, net: ZERO };
    entry.net = entry.net.plus(parseAmount(line.netAmount));
    revenue.set(target.number, entry);
  }

  // Output VAT: per rate, from the document's VAT breakdown (VAT is computed per rate, not per line).
  const vat = new Map<string, { account: AccountNumber; amount: Decimal }>();
  for (const entry of doc.vatBreakdown) {
    const amount = parseAmount(entry.vatAmount);
    if (amount.isZero()) continue;
    const account = accounts.outputVat[entry.vatRate];
    if (!account) {
      throw new FailedPreconditionError(
        `${describe(doc)} charges ${entry.vatRate} % VAT and no output VAT account is configured for that rate (BILLING_BOOKKEEPING_FILE)`,
      );
    }
    const sum = vat.get(entry.vatRate) ?? { account, amount: ZERO };
    sum.amount = sum.amount.plus(amount);
    vat.set(entry.vatRate, sum);
  }
  const vatRows = [...vat.entries()].map(([vatRate, v]) => ({
    vatRate,
    account: v.account,
    sek: toSek(v.amount, rate),
  }));
  if (vatRows.length) {
    // The VAT in SEK is the amount the invoice states; cent differences of converting per rate go to the largest.
    const difference = vatTotal.minus(vatRows.reduce((s, r) => s.plus(r.sek), ZERO));
    const largest = vatRows.reduce((a, b) => (b.sek.abs().greaterThan(a.sek.abs()) ? b : a));
    largest.sek = largest.sek.plus(difference);
  } else if (!vatTotal.isZero()) {
    throw new FailedPreconditionError(
      `${describe(doc)} states ${formatAmount(vatTotal, 2)} ${ACCOUNTING_CURRENCY} VAT but has no VAT amount per rate`,
    );
  }

  const credits: { account: AccountNumber; role: AccountRole; sek: Decimal }[] = [
    ...[...revenue.entries()].map(([account, r]) => ({ account, role: r.role, sek: toSek(r.net, rate) })),
    ...vatRows.map((r) => ({
      account: r.account,
      role: { kind: 'output_vat' as const, rate: r.vatRate },
      sek: r.sek,
    })),
  ];
  const receivable = credits.reduce((s, c) => s.plus(c.sek), ZERO);
  // Rows of 0.00 carry nothing, and some bookkeeping programs refuse them: left out, the receivable
  // too (lines that cancel out). A document with no row left books nothing (bookDocuments skips it).
  const rows = [
    {
      account: accounts.receivables,
      role: { kind: 'receivables' } as AccountRole,
      sek: receivable.negated(),
    },
    ...credits,
  ].filter((c) => !c.sek.isZero());
  const transactions: VoucherTransaction[] = rows.map((c) => ({
    account: c.account,
    amount: amountText(c.sek.negated()),
  }));

  const kind = doc.documentType === 'credit_note' ? 'Kreditfaktura' : 'Faktura';
  const converted =
    doc.currency === ACCOUNTING_CURRENCY
      ? ''
      : `, ${doc.totals.grossTotal} ${doc.currency} à ${doc.accountingCurrencyVat!.rate}`;
  return {
    voucher: {
      series,
      date: doc.issueDate,
      text: `${kind} ${doc.number}, ${doc.buyer.name}${converted}`,
      documentNumber: doc.number,
      transactions,
    },
    accounts: rows.map((c) => ({ number: c.account, role: c.role })),
  };
}

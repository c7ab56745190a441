import { Decimal, roundMoney } from '../../src/domain/money';
import { issueDraft } from '../../src/domain/invoicing/index';
import type {
  BuyerParty,
  ChargeSummary,
  InvoiceDraft,
  IssuedInvoiceDocument,
  SellerParty,
} from '../../src/domain/invoicing/index';
import { periodFromKey } from '../../src/domain/periods/index';

export const seller: SellerParty = {
  name: 'Nordkonferens AB',
  addressLines: ['Sveavägen 44'],
  postalCode: '111 34',
  city: 'Stockholm',
  countryCode: 'SE',
  vatNumber: 'SE556677889901',
  registrationNumber: '556677-8899',
  email: 'billing@nordkonferens.example',
  phone: '+46 8 123 456 00',
  website: 'nordkonferens.example',
  bankAccount: { bankgiro: '5050-1055', iban: 'SE45 5000 0000 0583 9825 7466', bic: 'ESSESESS' },
  taxRegistrationNote: 'Godkänd för F-skatt',
};

export const buyer: BuyerParty = {
  customerId: 'cust-1001',
  name: 'Åkerlund & Söner Konsult AB',
  addressLines: ['Att: Ekonomiavdelningen', 'Kungsgatan 12'],
  postalCode: '411 19',
  city: 'Göteborg',
  countryCode: 'SE',
  vatNumber: 'SE556123456701',
  reference: 'PO-2026-117 / Karin Lund',
};

export const november = periodFromKey('2026-11', { timeZone: 'Europe/Stockholm' });

export function charge(
  accessType: ChargeSummary['accessType'],
  zone: string | undefined,
  conferenceId: string,
  minutes: string,
  calls: number,
  amount: string,
  extra: Partial<ChargeSummary> = {},
): ChargeSummary {
  // The calls' time at one exact per-minute rate (amount / minutes), as rating records it.
  const rate = new Decimal(amount).dividedBy(minutes);
  if (rate.decimalPlaces() > 8) throw new RangeError(`fixture: ${amount} / ${minutes} is not an exact rate`);
  return {
    accessType,
    ...(zone !== undefined ? { zone } : {}),
    conferenceId,
    seconds: new Decimal(minutes).times(60).toFixed(),
    calls,
    amount,
    currency: 'SEK',
    parts: [
      {
        kind: 'usage',
        unitCode: 'SEC',
        quantity: new Decimal(minutes).times(60).toFixed(),
        price: rate.toFixed(),
        baseQuantity: '60',
      },
    ],
    ...extra,
  };
}

/**
 * The summary of calls at one per-minute rate, each call's charge rounded to the cent (half up) as
 * rating rounds it: the amount is the sum of those cents, the part is all their seconds at the rate.
 */
export function calls(
  accessType: ChargeSummary['accessType'],
  zone: string | undefined,
  conferenceId: string,
  ratePerMinute: string,
  seconds: readonly number[],
  extra: Partial<ChargeSummary> = {},
): ChargeSummary {
  const total = seconds.reduce((s, x) => s + x, 0);
  const amount = seconds.reduce(
    (s, x) => s.plus(roundMoney(new Decimal(x).times(ratePerMinute).dividedBy(60), 2)),
    new Decimal(0),
  );
  return {
    accessType,
    ...(zone !== undefined ? { zone } : {}),
    conferenceId,
    seconds: String(total),
    calls: seconds.length,
    amount: amount.toFixed(2),
    currency: 'SEK',
    parts: [
      { kind: 'usage', unitCode: 'SEC', quantity: String(total), price: ratePerMinute, baseQuantity: '60' },
    ],
    ...extra,
  };
}

/**
 * The usual sample month: each call rounded to the cent by rating. Grouped by access type + zone:
 *   local_dial_in SE   3 x 2410 s (each 3.615 -> 3.62) + 1800 s (2.70) = 9030 s, calls 10.86 + 2.70 = 13.56;
 *                      line 9030 x 0.09 / 60 = 13.545 -> 13.55
 *   toll_free SE       2700 s x 0.25 / 60 = 11.25
 *   dial_out US        615 s x 0.15 / 60 = 1.5375 -> 1.54 (one call: 1.54 too)
 *   web                2 x 1800 s x 0.01 / 60 = 0.30 each, 0.60
 *   rounding           calls 26.95 - lines 26.94 = +0.01
 *   net 26.95, VAT 25% 6.7375 -> 6.74, gross 33.69
 */
export const sampleCharges: ChargeSummary[] = [
  calls('local_dial_in', 'SE', 'conf-A', '0.09', [2410, 2410, 2410]),
  calls('dial_out', 'US', 'conf-A', '0.15', [615]),
  calls('web', undefined, 'conf-A', '0.01', [1800, 1800]),
  calls('local_dial_in', 'SE', 'conf-B', '0.09', [1800]),
  calls('toll_free_dial_in', 'SE', 'conf-B', '0.25', [2700]),
];

export const baseInput = {
  seller,
  buyer,
  currency: 'SEK',
  period: november,
  issueDate: '2026-12-02',
  paymentTermsDays: 30,
  defaultVatRate: '25',
};

export function issue(draft: InvoiceDraft, number: string): IssuedInvoiceDocument {
  return issueDraft(draft, number);
}

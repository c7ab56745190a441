import { Decimal } from '../../src/domain/money';
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
 * The usual sample month. Grouped by access type + zone:
 *   local_dial_in SE   120.5 + 30 = 150.5 min, 10.845 + 2.7 = 13.545 -> 13.55 (0.0900/min)
 *   toll_free SE       45 min, 11.25 -> 11.25 (0.2500/min)
 *   dial_out US        10.25 min, 1.5375 -> 1.54 (0.1500/min)
 *   web                60 min, 0.6 -> 0.60 (0.0100/min)
 *   net 26.94, VAT 25% 6.735 -> 6.74, gross 33.68
 */
export const sampleCharges: ChargeSummary[] = [
  charge('local_dial_in', 'SE', 'conf-A', '120.5', 3, '10.845'),
  charge('dial_out', 'US', 'conf-A', '10.25', 1, '1.5375'),
  charge('web', undefined, 'conf-A', '60', 2, '0.6'),
  charge('local_dial_in', 'SE', 'conf-B', '30', 1, '2.7'),
  charge('toll_free_dial_in', 'SE', 'conf-B', '45', 1, '11.25'),
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

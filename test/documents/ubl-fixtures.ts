/**
 * Documents for the UBL tests, built with the domain as the service builds them (draft, credit note,
 * issue). Where the line builder does not yet produce a shape (exact lines in seconds with a base
 * quantity of 60, line allowances), the lines are written out here as extra lines.
 */
import { buildCreditNote, buildInvoiceDraft, formatInvoiceNumber } from '../../src/domain/invoicing/index';
import type {
  BuyerParty,
  InvoiceLineInput,
  IssuedInvoiceDocument,
  SellerParty,
} from '../../src/domain/invoicing/index';
import { Decimal, formatAmount } from '../../src/domain/money';
import { baseInput, buyer, charge, issue, sampleCharges, seller } from '../invoicing/fixtures';

export const peppolSeller: SellerParty = {
  ...seller,
  electronicAddress: { scheme: '0007', id: '5566778899' },
};

export const swedishBuyer: BuyerParty = {
  ...buyer,
  registrationNumber: '556123-4567',
  electronicAddress: { scheme: '0007', id: '5561234567' },
  orderReference: 'PO-4711',
  contractReference: 'contract-17',
};

const germanBuyer: BuyerParty = {
  customerId: 'cust-de-1',
  name: 'Konferenz & Co GmbH',
  addressLines: ['Friedrichstraße 10'],
  postalCode: '10117',
  city: 'Berlin',
  countryCode: 'DE',
  vatNumber: 'DE123456789',
  electronicAddress: { scheme: '9930', id: 'DE123456789' },
  reference: 'Einkauf / M. Weber',
};

const usBuyer: BuyerParty = {
  customerId: 'cust-us-1',
  name: 'Acme Meetings Inc.',
  addressLines: ['350 Fifth Avenue', 'Suite 4100'],
  postalCode: '10118',
  city: 'New York',
  countryCode: 'US',
  electronicAddress: { scheme: '0060', id: '123456789' },
  reference: 'Accounts payable',
};

const input = { ...baseInput, seller: peppolSeller, buyer: swedishBuyer };
const number = (n: number): string => formatInvoiceNumber('INV', 2026, n);

/** A usage line in seconds priced per minute (base quantity 60), with an optional percentage discount. */
export function secondsLine(
  description: string,
  seconds: string,
  perMinute: string,
  discountPercent?: string,
): InvoiceLineInput {
  const base = new Decimal(seconds).times(perMinute).dividedBy(60).toDecimalPlaces(2);
  const line: InvoiceLineInput = {
    kind: 'usage',
    description,
    quantity: seconds,
    unitCode: 'SEC',
    baseQuantity: '60',
    unitPrice: perMinute,
    netAmount: formatAmount(base, 2),
    vatRate: '25',
  };
  if (discountPercent) {
    const amount = base.times(discountPercent).dividedBy(100).toDecimalPlaces(2);
    line.allowance = {
      percent: discountPercent,
      baseAmount: formatAmount(base, 2),
      amount: formatAmount(amount, 2),
      reason: `Contract discount ${discountPercent} %`,
    };
    line.netAmount = formatAmount(base.minus(amount), 2);
  }
  return line;
}

const noUsage = { charges: [] };

export function ublDocuments(): Record<string, IssuedInvoiceDocument> {
  const domestic = issue(
    buildInvoiceDraft({
      ...input,
      ...noUsage,
      extraLines: [
        secondsLine('Local dial-in, Sweden', '9030', '0.09'),
        secondsLine('Toll-free dial-in, Sweden', '2700', '0.25'),
        { ...secondsLine('Dial-out, United States', '615', '0.15'), zone: 'US', conferenceId: 'conf-A' },
      ],
      notes: ['Questions: billing@nordkonferens.example & +46 8 123 456 00 <weekdays>'],
    }),
    number(1),
  );

  const eur = issue(
    buildInvoiceDraft({
      ...input,
      currency: 'EUR',
      ...noUsage,
      extraLines: [
        secondsLine('Web participants', '7200', '0.0125'),
        secondsLine('Dial-out', '1234', '0.1999'),
      ],
    }),
    number(2),
  );
  eur.accountingCurrencyVat = {
    currency: 'SEK',
    rate: '11.0245',
    rateDate: '2026-12-01',
    rateSource: 'Riksbanken',
    vatTotal: formatAmount(new Decimal(eur.totals.vatTotal).times('11.0245').toDecimalPlaces(2), 2),
  };

  const reverseCharge = issue(
    buildInvoiceDraft({
      ...input,
      buyer: germanBuyer,
      currency: 'EUR',
      defaultVatRate: '0',
      vatCategory: 'AE',
      ...noUsage,
      extraLines: [{ ...secondsLine('Dial-in, Germany', '5400', '0.05'), vatRate: '0' }],
    }),
    number(3),
  );

  const outsideEu = (category: 'G' | 'O', n: number): IssuedInvoiceDocument =>
    issue(
      buildInvoiceDraft({
        ...input,
        buyer: usBuyer,
        currency: 'USD',
        defaultVatRate: '0',
        vatCategory: category,
        ...noUsage,
        extraLines: [{ ...secondsLine('Toll-free dial-in, United States', '36000', '0.04'), vatRate: '0' }],
      }),
      number(n),
    );

  const withPeriodPricing = issue(
    buildInvoiceDraft({
      ...input,
      charges: [
        ...sampleCharges,
        charge('local_dial_in', 'SE', 'conf-C', '1200', 12, '108'),
        charge('web', undefined, 'conf-C', '3000', 40, '30'),
      ],
      periodPricing: {
        includedMinutes: { minutes: '100', accessTypes: ['local_dial_in'] },
        volumeTiers: {
          model: 'graduated',
          accessTypes: ['web'],
          tiers: [
            { upTo: '1000', unitPrice: '0.01' },
            { upTo: null, unitPrice: '0.008' },
          ],
        },
      },
      extraLines: [
        secondsLine('Dial-out, Norway, contract price', '12735', '0.15', '5'),
        secondsLine('Operator assistance', '61', '1.75', '12.5'),
        {
          kind: 'rounding',
          description: 'Rounding',
          quantity: '1',
          unitCode: 'C62',
          unitPrice: '-0.04',
          netAmount: '-0.04',
          vatRate: '25',
        },
      ],
    }),
    number(6),
  );

  const credit = issue(
    buildCreditNote(withPeriodPricing, {
      reason: 'Operator assistance was not used & is credited',
      issueDate: '2026-12-10',
    }),
    formatInvoiceNumber('CN', 2026, 1),
  );

  const supplementary = issue(
    buildInvoiceDraft({
      ...input,
      ...noUsage,
      issueDate: '2026-12-15',
      precedingInvoiceNumber: domestic.number,
      precedingInvoiceDate: domestic.issueDate,
      extraLines: [
        {
          ...secondsLine('Rerated: Local dial-in, Sweden', '600', '0.09'),
          kind: 'adjustment',
        },
      ],
    }),
    number(7),
  );

  const thousand = issue(
    buildInvoiceDraft({
      ...input,
      ...noUsage,
      extraLines: Array.from({ length: 1000 }, (_, i) => ({
        ...secondsLine(
          `Conference conf-${i}, local dial-in`,
          String(60 + i * 7),
          '0.0875',
          i % 3 ? undefined : '10',
        ),
        conferenceId: `conf-${i}`,
      })),
    }),
    number(8),
  );

  return {
    domestic,
    eur,
    reverseCharge,
    outsideEuG: outsideEu('G', 4),
    outsideEuO: outsideEu('O', 5),
    withPeriodPricing,
    credit,
    supplementary,
    thousand,
  };
}

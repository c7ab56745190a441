/**
 * Plain data shapes of the invoicing domain. Every amount, quantity and rate is a decimal string
 * (never a JS number); see ./totals.ts for the rounding rules.
 */
import type { AccessType } from '../cdr';
import type { ChargePart } from '../rating/charge-parts';

export type { AccessType };

/** One customer's rated usage for one (conference, access type, zone), as the charges table sums it. */
export interface ChargeSummary {
  accessType: AccessType;
  /** Destination zone ("SE", "US-TF", ...) when the price depends on one. */
  zone?: string;
  conferenceId: string;
  /** Billed seconds, summed: a whole number, decimal string. */
  seconds: string;
  /** Number of call legs. */
  calls: number;
  /** Sum of the charges' amounts, each as its rule set rounded it (to the cent). */
  amount: string;
  /** What those amounts are made of, summed per exact price (../rating/charge-parts.ts). */
  parts: readonly SummaryPart[];
  /** ISO 4217; must equal the invoice currency. */
  currency: string;
  /** VAT rate in percent ("25", "12.5", "0"); defaults to the invoice's default rate. */
  vatRate?: string;
  /**
   * Key of the billing period the charges belong to when it is not the invoice's own period (a late CDR
   * arriving after its period closed). Such charges get their own lines, marked with that period.
   */
  servicePeriodKey?: string;
}

/** Priced parts of equal kind, price, discount and feature, with their quantities summed. */
export type SummaryPart = ChargePart;

/** EN 16931 VAT category codes (UNCL5305 subset). S standard, Z zero rated, E exempt, AE reverse charge, K intra-EU, G export, O outside scope. */
export type VatCategory = 'S' | 'Z' | 'E' | 'AE' | 'K' | 'G' | 'O';

export type LineKind =
  | 'usage'
  | 'connect_fee'
  | 'surcharge'
  | 'minimum_charge'
  | 'maximum_charge'
  | 'rounding'
  | 'included_minutes'
  | 'volume_tier'
  | 'minimum_commitment'
  | 'adjustment';

/** UN/ECE Recommendation 20 unit codes: SEC second, MIN minute, C62 one (piece). */
export type UnitCode = 'SEC' | 'MIN' | 'C62';

/**
 * A percentage allowance on one line (EN 16931 BG-27): a contract or rule discount. The line's net
 * amount is quantity × unit price / base quantity (the base amount, rounded to 2 decimals) minus it.
 */
export interface LineAllowance {
  /** Percent, e.g. "5". */
  percent: string;
  /** The amount the percent applies to (quantity × unit price / base quantity), 2 decimals. */
  baseAmount: string;
  /** baseAmount × percent / 100, 2 decimals (ROUND_HALF_UP). */
  amount: string;
  /** Why, printed and sent as the allowance reason, e.g. "Contract discount 5 %". */
  reason: string;
}

/** A Peppol participant identifier: an ICD scheme ("0007" Swedish org. number, "0088" GLN, ...) and an id. */
export interface ElectronicAddress {
  scheme: string;
  id: string;
}

export interface InvoiceLine {
  /** 1-based position on the document. */
  lineNo: number;
  kind: LineKind;
  description: string;
  accessType?: AccessType;
  zone?: string;
  conferenceId?: string;
  servicePeriodKey?: string;
  /** Number of call legs behind a usage line. */
  calls?: number;
  /** Quantity, exact decimal string (seconds, minutes or pieces). Negative on credit notes. */
  quantity: string;
  unitCode: UnitCode;
  /**
   * Price per `baseQuantity` units, exact (as in the rate card): quantity × unitPrice / baseQuantity,
   * rounded to 2 decimals, minus the allowance, is the net amount (to the cent).
   */
  unitPrice: string;
  /** How many units unitPrice is for, e.g. "60" for a per-minute rate on a quantity in seconds; default "1". */
  baseQuantity?: string;
  /** A percentage discount on this line. */
  allowance?: LineAllowance;
  /** Line net amount, rounded to 2 decimals (ROUND_HALF_UP). The unit of truth for all totals. */
  netAmount: string;
  /** VAT rate in percent, normalized ("25", "12.5", "0"). */
  vatRate: string;
  vatCategory: VatCategory;
  /**
   * On lines a rerate issued (credit notes and supplementary invoices): the key of the invoice line
   * they adjust (see invoiceLineKey), so the line they correct can be found, on the invoice or not.
   */
  adjustsKey?: string;
}

/** A line before numbering: what callers pass as extra lines. */
export type InvoiceLineInput = Omit<InvoiceLine, 'lineNo' | 'vatCategory'> & { vatCategory?: VatCategory };

export interface VatBreakdownEntry {
  vatCategory: VatCategory;
  vatRate: string;
  /** Sum of the line net amounts with this category and rate (2 decimals). */
  taxableAmount: string;
  /** taxableAmount × rate / 100, rounded once to 2 decimals (ROUND_HALF_UP). */
  vatAmount: string;
  /** Why no VAT is charged (required by EN 16931 for E, AE, K, G, O). */
  exemptionReason?: string;
}

export interface InvoiceTotals {
  /** Sum of the rounded line net amounts. */
  netTotal: string;
  /** Sum of the per-rate VAT amounts. */
  vatTotal: string;
  /** netTotal + vatTotal. */
  grossTotal: string;
  /** What the buyer pays (= grossTotal; no prepayments or rounding amount). */
  payableAmount: string;
}

export interface Party {
  name: string;
  /** Street lines. */
  addressLines: string[];
  postalCode?: string;
  city?: string;
  /** ISO 3166-1 alpha-2. */
  countryCode: string;
  /** VAT identification number, e.g. "SE556677889901". */
  vatNumber?: string;
  /** Company registration number (organisationsnummer), e.g. "556677-8899". */
  registrationNumber?: string;
  email?: string;
  phone?: string;
}

export interface SellerParty extends Party {
  /** Peppol endpoint (BT-34), e.g. 0007:5560000000. */
  electronicAddress?: ElectronicAddress;
  /** Payment details printed on the invoice. */
  bankAccount?: { iban?: string; bic?: string; bankgiro?: string; plusgiro?: string };
  /** E.g. "Godkänd för F-skatt" in Sweden. */
  taxRegistrationNote?: string;
  website?: string;
}

export interface BuyerParty extends Party {
  /** The customer's id in this service. */
  customerId: string;
  /** The buyer's reference (BT-10), e.g. a purchase order or a contact name; Swedish public buyers require it. */
  reference?: string;
  /** Peppol endpoint (BT-49), e.g. 0007:2120000000. */
  electronicAddress?: ElectronicAddress;
  /** The buyer's order number (BT-13). */
  orderReference?: string;
  /** The contract the invoice bills under (BT-12). */
  contractReference?: string;
}

/**
 * The VAT in the seller's accounting currency (SEK in Sweden) when the invoice is in another one
 * (EN 16931 BT-6 and BT-111): at the rate finance set for the issue date, recorded at issue and
 * never looked up again.
 */
export interface AccountingCurrencyVat {
  /** ISO 4217, e.g. "SEK". */
  currency: string;
  /** Units of `currency` per one unit of the invoice currency, e.g. "11.0245". */
  rate: string;
  /** The date the rate is for, YYYY-MM-DD. */
  rateDate: string;
  /** Where the rate comes from, e.g. "Riksbanken". */
  rateSource?: string;
  /** The invoice's VAT total × rate, 2 decimals (ROUND_HALF_UP). */
  vatTotal: string;
}

export interface InvoicePeriod {
  key: string;
  /** Inclusive start, ISO instant (UTC). */
  start: string;
  /** Exclusive end, ISO instant (UTC). */
  end: string;
  /** Local first day, YYYY-MM-DD. */
  startDate: string;
  /** Local last day (inclusive, for printing), YYYY-MM-DD. */
  lastDate: string;
  timeZone: string;
}

export type DocumentType = 'invoice' | 'credit_note';

export interface InvoiceDraft {
  documentType: DocumentType;
  status: 'draft';
  currency: string;
  seller: SellerParty;
  buyer: BuyerParty;
  period: InvoicePeriod;
  /** YYYY-MM-DD. */
  issueDate: string;
  /** YYYY-MM-DD: issueDate + paymentTermsDays (equal to issueDate on a credit note). */
  dueDate: string;
  paymentTermsDays: number;
  lines: InvoiceLine[];
  vatBreakdown: VatBreakdownEntry[];
  totals: InvoiceTotals;
  /** Free text printed on the document. */
  notes?: string[];
  /** Credit notes: the number of the invoice they correct (BT-25). Extra invoices after a rerate: the invoice they complement. */
  precedingInvoiceNumber?: string;
  /** Issue date of the preceding invoice (BT-26). */
  precedingInvoiceDate?: string;
  /** Credit notes: why. */
  reason?: string;
  /** VAT in the accounting currency when the invoice currency differs from it (set at issue). */
  accountingCurrencyVat?: AccountingCurrencyVat;
  /**
   * The PDF carries a call specification (./call-specification.ts): the customer's choice when the
   * document was built, kept on it so that an issued document renders the same for good, whatever
   * the customer's setting later. Never on a credit note.
   */
  callSpecification?: boolean;
}

/** An issued (numbered, immutable) invoice or credit note: what the PDF renders. */
export interface IssuedInvoiceDocument extends Omit<InvoiceDraft, 'status'> {
  status: 'issued';
  number: string;
}

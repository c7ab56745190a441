/** A customer as sales keeps it, and when two versions of it have the same content. */
export interface PostalAddress {
  lines: string[];
  postalCode: string;
  city: string;
  countryCode: string;
}

/** A Peppol participant identifier: ICD scheme ("0007") and id ("5560000000"). */
export interface ElectronicAddress {
  scheme: string;
  id: string;
}

/** What the sales system sends (no output-only fields). Empty strings mean "none". */
export interface CustomerInput {
  externalId: string;
  name: string;
  billingAddress: PostalAddress;
  email: string;
  vatNumber: string;
  countryCode: string;
  currencyCode: string;
  timeZone: string;
  paymentTermsDays: number;
  registrationNumber: string;
  /** Peppol address for e-invoices (BT-49); absent if none. */
  electronicAddress?: ElectronicAddress;
  /** The buyer's reference (BT-10); absent or empty if none. */
  buyerReference?: string;
  /** The buyer's order number (BT-13); absent or empty if none. */
  orderReference?: string;
  /**
   * How usage lines are grouped on invoices; absent: by access type and zone. "unrecognized": a
   * wire value this version does not know, refused by validation (never stored).
   */
  invoiceLineGrouping?: 'access_type_zone' | 'conference' | 'unrecognized';
  /** Whether invoices carry a call specification (an appendix listing each call). */
  callSpecification?: boolean;
}

export interface Customer extends CustomerInput {
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** The fields a change is judged by: equal content means no new version. */
export function sameContent(a: CustomerInput, b: CustomerInput): boolean {
  return JSON.stringify(contentOf(a)) === JSON.stringify(contentOf(b));
}

export function contentOf(c: CustomerInput): CustomerInput {
  return {
    externalId: c.externalId,
    name: c.name,
    billingAddress: {
      lines: [...c.billingAddress.lines],
      postalCode: c.billingAddress.postalCode,
      city: c.billingAddress.city,
      countryCode: c.billingAddress.countryCode,
    },
    email: c.email,
    vatNumber: c.vatNumber,
    countryCode: c.countryCode,
    currencyCode: c.currencyCode,
    timeZone: c.timeZone,
    paymentTermsDays: c.paymentTermsDays,
    registrationNumber: c.registrationNumber,
    // Absent and empty are the same "none" (so a customer stored before these fields existed has the
    // same content as the same customer sent again without them).
    ...(c.electronicAddress && (c.electronicAddress.scheme || c.electronicAddress.id)
      ? { electronicAddress: { scheme: c.electronicAddress.scheme, id: c.electronicAddress.id } }
      : {}),
    ...(c.buyerReference ? { buyerReference: c.buyerReference } : {}),
    ...(c.orderReference ? { orderReference: c.orderReference } : {}),
    ...(c.invoiceLineGrouping === 'conference' ? { invoiceLineGrouping: 'conference' as const } : {}),
    ...(c.callSpecification ? { callSpecification: true } : {}),
  };
}

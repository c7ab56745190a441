/** A customer as sales keeps it, and when two versions of it have the same content. */
export interface PostalAddress {
  lines: string[];
  postalCode: string;
  city: string;
  countryCode: string;
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
  };
}

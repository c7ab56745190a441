/** What the mailing list needs from storage (src/persistence/mailing-list.ts). */

/** One customer to send a month's invoice to. */
export interface MailingListEntry {
  externalId: string;
  name: string;
  email: string;
  addressLines: string[];
  postalCode: string;
  city: string;
  countryCode: string;
}

/**
 * The customers with current charges whose call started in [monthStart, nextMonthStart), both local
 * dates "YYYY-MM-01" read in each customer's own time zone, ordered by name, then external id.
 */
export type MailingListSource = (monthStart: string, nextMonthStart: string) => Promise<MailingListEntry[]>;

/**
 * Seller (AccountingSupplierParty, BG-4) and buyer (AccountingCustomerParty, BG-7).
 *
 * Peppol needs both electronic addresses (PEPPOL-EN16931-R010, -R020): they are how access points
 * route the document.
 * - Seller: the configured address, else 0007 (Swedish organisation number) from the seller's own
 *   registration number, which is the seller's Peppol id in Sweden by convention.
 * - Buyer: only the customer's registered address. Guessing 0007 + org number would address a
 *   participant that may not exist in the Peppol network, and the document would bounce at the
 *   access point; so rendering fails with the customer field to fill in (FAILED_PRECONDITION).
 *
 * Swedish rules (SE-R-*): the organisation number goes without hyphen (10 digits, Luhn);
 * "Godkänd för F-skatt" is the seller's tax registration (BT-32, PartyTaxScheme with scheme TAX).
 * VAT category O forbids every VAT identifier on the document (BR-O-02), so they are left out then.
 */
import { FailedPreconditionError } from '../../domain/errors';
import type { BuyerParty, IssuedInvoiceDocument, Party, SellerParty } from '../../domain/invoicing/types';
import { el, leaf, type XmlElement } from './xml';

const F_SKATT = 'GODKÄND FÖR F-SKATT';

/** "556677-8899" -> "5566778899" for Swedish numbers; others unchanged but trimmed. */
export function registrationId(party: Party): string | undefined {
  const raw = party.registrationNumber?.trim();
  if (!raw) return undefined;
  const digits = raw.replace(/[\s-]/g, '');
  return party.countryCode === 'SE' && /^\d{10}$/.test(digits) ? digits : raw;
}

function postalAddress(party: Party): XmlElement | undefined {
  const [street, additional, ...rest] = party.addressLines.map((l) => l.trim()).filter(Boolean);
  return el(
    'cac:PostalAddress',
    {},
    leaf('cbc:StreetName', street),
    leaf('cbc:AdditionalStreetName', additional),
    leaf('cbc:CityName', party.city),
    leaf('cbc:PostalZone', party.postalCode),
    // EN 16931 has one further address line (BT-162): the rest joined.
    el('cac:AddressLine', {}, leaf('cbc:Line', rest.length ? rest.join(', ') : undefined)),
    el('cac:Country', {}, leaf('cbc:IdentificationCode', party.countryCode)),
  );
}

function vatScheme(party: Party, withVat: boolean): XmlElement | undefined {
  if (!withVat) return undefined;
  return el(
    'cac:PartyTaxScheme',
    {},
    leaf('cbc:CompanyID', party.vatNumber?.replace(/\s/g, '')),
    el('cac:TaxScheme', {}, leaf('cbc:ID', 'VAT')),
  );
}

function legalEntity(party: Party, legalForm?: string): XmlElement | undefined {
  const id = registrationId(party);
  const swedish = party.countryCode === 'SE' && id !== undefined && /^\d{10}$/.test(id);
  return el(
    'cac:PartyLegalEntity',
    {},
    leaf('cbc:RegistrationName', party.name),
    leaf('cbc:CompanyID', id, { schemeID: swedish ? '0007' : undefined }),
    leaf('cbc:CompanyLegalForm', legalForm),
  );
}

function contact(party: Party): XmlElement | undefined {
  return el('cac:Contact', {}, leaf('cbc:Telephone', party.phone), leaf('cbc:ElectronicMail', party.email));
}

function endpoint(address: { scheme: string; id: string }): XmlElement | undefined {
  return leaf('cbc:EndpointID', address.id, { schemeID: address.scheme });
}

/** The seller's Peppol address: configured, or 0007 + the Swedish organisation number. */
export function sellerEndpoint(seller: SellerParty): { scheme: string; id: string } {
  if (seller.electronicAddress) return seller.electronicAddress;
  const id = registrationId(seller);
  if (seller.countryCode === 'SE' && id && /^\d{10}$/.test(id)) return { scheme: '0007', id };
  throw new FailedPreconditionError(
    'the seller has no Peppol electronic address: configure the seller electronic address (e.g. 0007:5560000000) or a Swedish organisation number',
  );
}

/** True when a VAT identifier may appear: not on documents with VAT category O (BR-O-02). */
export function vatIdsAllowed(doc: IssuedInvoiceDocument): boolean {
  return !doc.lines.some((l) => l.vatCategory === 'O');
}

export function sellerParty(doc: IssuedInvoiceDocument): XmlElement | undefined {
  const seller = doc.seller;
  const note = seller.taxRegistrationNote?.trim();
  // SE-R-005: a Swedish seller's tax registration (BT-32) must read exactly "Godkänd för F-skatt";
  // any other wording is additional legal information (BT-33).
  const fSkatt = note !== undefined && note.toUpperCase() === F_SKATT;
  const withVat = vatIdsAllowed(doc) && Boolean(seller.vatNumber?.trim());
  return el(
    'cac:AccountingSupplierParty',
    {},
    el(
      'cac:Party',
      {},
      endpoint(sellerEndpoint(seller)),
      el('cac:PartyName', {}, leaf('cbc:Name', seller.name)),
      postalAddress(seller),
      vatScheme(seller, withVat),
      fSkatt
        ? el(
            'cac:PartyTaxScheme',
            {},
            leaf('cbc:CompanyID', note),
            el('cac:TaxScheme', {}, leaf('cbc:ID', 'TAX')),
          )
        : undefined,
      legalEntity(seller, fSkatt ? undefined : note),
      contact(seller),
    ),
  );
}

/** The buyer's Peppol address; FAILED_PRECONDITION naming the customer field when there is none. */
export function buyerEndpoint(buyer: BuyerParty): { scheme: string; id: string } {
  if (buyer.electronicAddress?.id.trim()) return buyer.electronicAddress;
  throw new FailedPreconditionError(
    `customer ${buyer.customerId} has no Peppol electronic address: set the customer's electronic_address (scheme and id, e.g. 0007:5560000000) with CustomerService.UpsertCustomer`,
  );
}

export function buyerParty(doc: IssuedInvoiceDocument): XmlElement | undefined {
  const buyer = doc.buyer;
  const withVat = vatIdsAllowed(doc) && Boolean(buyer.vatNumber?.trim());
  return el(
    'cac:AccountingCustomerParty',
    {},
    el(
      'cac:Party',
      {},
      endpoint(buyerEndpoint(buyer)),
      el('cac:PartyName', {}, leaf('cbc:Name', buyer.name)),
      postalAddress(buyer),
      vatScheme(buyer, withVat),
      legalEntity(buyer),
      contact(buyer),
    ),
  );
}

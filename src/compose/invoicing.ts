/**
 * Invoicing and re-rating wired to the database, the live rule book and the PDF renderer: built the
 * same way for the service (src/service.ts) and the command line (src/cli), so an invoice closed
 * from either is the same. Each use case is bound to its dependencies here.
 */
import type { BookkeepingUseCases } from '../app/bookkeeping/bookkeeping-use-cases';
import { exportBookkeeping } from '../app/bookkeeping/export-bookkeeping';
import type { Clock } from '../app/clock';
import type { LineNamesSource, PeriodPricingSource } from '../app/invoicing/build';
import { closePeriod } from '../app/invoicing/close-period';
import { createCreditNote } from '../app/invoicing/create-credit-note';
import { getInvoice } from '../app/invoicing/get-invoice';
import type { InvoicingUseCases, ReratingUseCases } from '../app/invoicing/invoicing-use-cases';
import { issueInvoice } from '../app/invoicing/issue-invoice';
import { listInvoices } from '../app/invoicing/list-invoices';
import { getMailingList, type MailingListUseCases } from '../app/invoicing/mailing-list';
import { closeDueAndLeftDrafts, type ScheduledCloseDeps } from '../app/invoicing/period-close-scheduler';
import { renderInvoiceDocument } from '../app/invoicing/render-invoice-document';
import { rerateCharges, type RerateDeps } from '../app/invoicing/rerate-charges';
import { getRunningCharges } from '../app/invoicing/running-charges';
import type { BookingDirectory, CustomerDirectory } from '../app/ingest/ports';
import type { RatingRuntime } from '../app/rating/rating-runtime';
import { RuleSetRater } from '../app/rating/rule-set-rater';
import type { BookkeepingConfig } from '../config/bookkeeping-config';
import type { InvoicingConfig } from '../config/invoicing-config';
import { renderInvoicePdf } from '../documents/invoice-pdf';
import { encodeSieText } from '../documents/sie-encoding';
import { renderUbl } from '../documents/ubl/render-ubl';
import { PostgresCloseUnitOfWork } from '../persistence/close-unit-of-work';
import type { Database } from '../persistence/database';
import { PostgresInvoiceStore } from '../persistence/invoice-store';
import { PostgresIssuedDocuments } from '../persistence/issued-documents-by-month';
import { mailingList } from '../persistence/mailing-list';
import { PostgresRerateStore } from '../persistence/rerate-store';
import type { PostgresRuleSetArchive } from '../persistence/rule-set-archive';
import { programVersion } from './program-version';

/** What invoicing shares with the rest of the core (built once there, in billing-core.ts). */
export interface InvoicingParts {
  database: Database;
  rating: RatingRuntime;
  archive: PostgresRuleSetArchive;
  customers: CustomerDirectory;
  bookings: BookingDirectory;
  config: InvoicingConfig;
  bookkeeping: BookkeepingConfig;
  clock: Clock;
}

export function composeInvoicing(parts: InvoicingParts): {
  invoicing: InvoicingUseCases;
  rerating: ReratingUseCases;
  bookkeeping: BookkeepingUseCases;
  mailing: MailingListUseCases;
} {
  const { database, rating, archive, config, clock } = parts;
  const store = new PostgresInvoiceStore(database);
  const now = () => clock.now();
  const periodPricing: PeriodPricingSource = (instant, plan, currency) => {
    // Without a valid rule book the period's tiers and commitment are unknown: closing skips the
    // customer with this reason (and closes it on a later run) rather than invoice it without them.
    const live = rating.current;
    if (!live)
      throw new Error('no valid rule set is loaded, so period pricing (tiers, commitments) is unknown');
    return live.book.periodPricingAt(instant, plan, currency);
  };
  // The names finance gives zones and access types in the rule set in force; codes without one.
  const lineNames: LineNamesSource = (instant, currency) =>
    rating.current?.book.displayNamesAt(instant, currency);
  const closing: ScheduledCloseDeps = {
    store,
    closing: new PostgresCloseUnitOfWork(database, { parallelism: config.closeParallelism }),
    settings: config,
    periodPricing,
    lineNames,
    now,
  };
  const reads = { store };
  const invoicing: InvoicingUseCases = {
    closePeriod: (input) => closePeriod(closing, input),
    closeDuePeriods: (input) => closeDueAndLeftDrafts(closing, input),
    issueInvoice: (input) => issueInvoice({ store, settings: config, now }, input),
    createCreditNote: (input) => createCreditNote({ store, settings: config, now }, input),
    getInvoice: (input) => getInvoice(reads, input),
    listInvoices: (input) => listInvoices(reads, input),
    getRunningCharges: (input) => getRunningCharges({ store, now }, input),
    renderInvoiceDocument: (input) =>
      renderInvoiceDocument({ store, renderPdf: renderInvoicePdf, renderUbl }, input),
  };
  const rerateDeps: RerateDeps = {
    store: new PostgresRerateStore(database),
    invoices: store,
    settings: config,
    periodPricing,
    lineNames,
    now,
    liveRater: rating,
    archivedRater: async (hash) => {
      const set = await archive.compiled(hash);
      return set && new RuleSetRater(set);
    },
    customers: parts.customers,
    bookings: parts.bookings,
  };
  const bookkeepingDeps = {
    documents: new PostgresIssuedDocuments(database),
    encode: encodeSieText,
    settings: {
      ...parts.bookkeeping,
      company: { name: config.seller.name, registrationNumber: config.seller.registrationNumber },
      timeZone: config.timeZone,
      program: programVersion(),
    },
    now,
  };
  return {
    invoicing,
    rerating: { rerateCharges: (input) => rerateCharges(rerateDeps, input) },
    bookkeeping: { exportBookkeeping: (input) => exportBookkeeping(bookkeepingDeps, input) },
    mailing: {
      getMailingList: (input) =>
        getMailingList({ customers: (from, to) => mailingList(database, from, to) }, input),
    },
  };
}

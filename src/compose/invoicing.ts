/**
 * Invoicing and re-rating wired to the database and the live rule book: built the same way for the
 * service (src/service.ts) and the command line (src/cli), so an invoice closed from either is the same.
 */
import { Invoicing } from '../app/invoicing/invoicing';
import { Rerating } from '../app/invoicing/rerate-charges';
import type { RatingRuntime } from '../app/rating/rating-runtime';
import { RuleSetRater } from '../app/rating/rule-set-rater';
import type { Clock } from '../app/clock';
import type { InvoicingConfig } from '../config/invoicing-config';
import { CompiledRuleSet } from '../domain/rating/index';
import { PostgresBookingDirectory } from '../persistence/booking-directory';
import { PostgresCustomerDirectory } from '../persistence/customer-directory';
import type { Database } from '../persistence/database';
import { PostgresInvoiceStore } from '../persistence/invoice-store';
import { PostgresRerateStore } from '../persistence/rerate-store';
import { PostgresRuleSetArchive } from '../persistence/rule-set-archive';

export function composeInvoicing(
  database: Database,
  rating: RatingRuntime,
  config: InvoicingConfig,
  clock: Clock,
): { invoicing: Invoicing; rerating: Rerating } {
  const invoiceStore = new PostgresInvoiceStore(database, { closeParallelism: config.closeParallelism });
  const archive = new PostgresRuleSetArchive(database);
  const invoicing = new Invoicing({
    store: invoiceStore,
    config,
    now: () => clock.now(),
    periodPricing: (instant, plan) => {
      // Without a valid rule book the period's tiers and commitment are unknown: closing skips the
      // customer with this reason (and closes it on a later run) rather than invoice it without them.
      const live = rating.current;
      if (!live)
        throw new Error('no valid rule set is loaded, so period pricing (tiers, commitments) is unknown');
      return live.book.periodPricingAt(instant, plan);
    },
  });
  const rerating = new Rerating({
    store: new PostgresRerateStore(database),
    invoices: invoiceStore,
    invoicing,
    config,
    liveRater: rating,
    archivedRater: async (hash) => {
      const source = await archive.load(hash);
      return source && new RuleSetRater(new CompiledRuleSet(source));
    },
    customers: new PostgresCustomerDirectory(database),
    bookings: new PostgresBookingDirectory(database),
  });
  return { invoicing, rerating };
}

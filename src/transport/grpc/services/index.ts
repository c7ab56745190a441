/** Every billing.v1 service the server exposes, built from the use cases it is handed. */
import type { Clock } from '../../../app/clock';
import type { RequestLedger } from '../../../app/mutations';
import { livePricePlans } from '../../../app/customers/price-plans';
import type { Logger } from '../../../observability/logger';
import type { Metrics } from '../../../observability/metrics';
import type { KeyedIngestDeps } from '../../../app/ingest/ingest-cdrs';
import type { BookingStore } from '../../../app/bookings/ports';
import type { CustomerStore } from '../../../app/customers/ports';
import type { ServiceBinding } from '../grpc-server';
import { cdrIngestService } from './cdr-ingest-service';
import { ratingService } from './rating-service';
import { customerService } from './customer-service';
import { bookingService } from './booking-service';
import { invoiceService } from './invoice-service';
import type { Invoicing } from '../../../app/invoicing/invoicing';
import type { Rerating } from '../../../app/invoicing/rerate-charges';
import type { RatingRuntime } from '../../../app/rating/rating-runtime';
import type { CandidateRuleFiles, RuleSetHistory } from '../../../app/rating/ports';
import type { Database } from '../../../persistence/database';
import type { UnratedQueue } from '../../../app/ingest/retry-unrated';

export interface ServicesDeps {
  logger: Logger;
  clock: Clock;
  metrics: Metrics;
  ingest: KeyedIngestDeps;
  rating: RatingRuntime;
  ruleSets: RuleSetHistory;
  candidates: CandidateRuleFiles;
  unrated: UnratedQueue;
  database: Database;
  draining: AbortSignal;
  invoicing: Invoicing;
  rerating: Rerating;
  customers: CustomerStore;
  bookings: BookingStore;
  requests: RequestLedger;
}

export function billingServices(deps: ServicesDeps): ServiceBinding[] {
  return [
    cdrIngestService({
      ingest: deps.ingest,
      unrated: deps.unrated,
      metrics: deps.metrics,
      draining: deps.draining,
    }),
    ratingService({
      rating: deps.rating,
      ruleSets: deps.ruleSets,
      candidates: deps.candidates,
      customers: deps.ingest.customers,
      clock: deps.clock,
    }),
    invoiceService({ invoicing: deps.invoicing, rerating: deps.rerating, requests: deps.requests }),
    customerService({ customers: deps.customers, pricePlans: livePricePlans(deps.rating) }),
    bookingService({ bookings: deps.bookings, draining: deps.draining, clock: deps.clock }),
  ];
}

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
import type { InvoicingUseCases, ReratingUseCases } from '../../../app/invoicing/invoicing-use-cases';
import type { RatingRuntime } from '../../../app/rating/rating-runtime';
import type { Database } from '../../../persistence/database';
import type { UnratedQueue } from '../../../app/ingest/retry-unrated';

export interface ServicesDeps {
  logger: Logger;
  clock: Clock;
  metrics: Metrics;
  ingest: KeyedIngestDeps;
  rating: RatingRuntime;
  unrated: UnratedQueue;
  database: Database;
  draining: AbortSignal;
  invoicing: InvoicingUseCases;
  rerating: ReratingUseCases;
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
      database: deps.database,
      customers: deps.ingest.customers,
      clock: deps.clock,
    }),
    invoiceService({ invoicing: deps.invoicing, rerating: deps.rerating, requests: deps.requests }),
    customerService({ customers: deps.customers, pricePlans: livePricePlans(deps.rating) }),
    bookingService({ bookings: deps.bookings, draining: deps.draining, clock: deps.clock }),
  ];
}

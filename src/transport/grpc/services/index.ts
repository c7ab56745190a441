/** Every billing.v1 service the server exposes, built from the use cases it is handed. */
import type { Logger } from '../../../observability/logger';
import type { Metrics } from '../../../observability/metrics';
import type { IngestDeps } from '../../../app/ingest/ingest-cdrs';
import { BookingServiceDefinition } from '../../../gen/billing/v1/booking_service';
import { CustomerServiceDefinition } from '../../../gen/billing/v1/customer_service';
import { InvoiceServiceDefinition } from '../../../gen/billing/v1/invoice_service';
import type { ServiceBinding } from '../grpc-server';
import { unimplementedMethods } from '../unimplemented';
import { cdrIngestService } from './cdr-ingest-service';
import { ratingService } from './rating-service';
import type { RatingRuntime } from '../../../app/rating/rating-runtime';
import type { Database } from '../../../persistence/database';
import type { UnratedQueue } from '../../../app/ingest/retry-unrated';

export interface ServicesDeps {
  logger: Logger;
  metrics: Metrics;
  ingest: IngestDeps;
  rating: RatingRuntime;
  unrated: UnratedQueue;
  database: Database;
  draining: AbortSignal;
}

/** A service none of whose RPCs is built yet: every call answers UNIMPLEMENTED. */
function notBuiltYet(definition: ServiceBinding['definition'] & { methods: Record<string, { name: string; responseStream: boolean }> }): ServiceBinding {
  return { definition, implementation: unimplementedMethods(definition) };
}

export function billingServices(deps: ServicesDeps): ServiceBinding[] {
  return [
    cdrIngestService({ ingest: deps.ingest, unrated: deps.unrated, metrics: deps.metrics, draining: deps.draining }),
    ratingService({ rating: deps.rating, database: deps.database, customers: deps.ingest.customers }),
    notBuiltYet(InvoiceServiceDefinition),
    notBuiltYet(CustomerServiceDefinition),
    notBuiltYet(BookingServiceDefinition),
  ];
}

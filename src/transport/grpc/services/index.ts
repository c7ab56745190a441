/**
 * Every billing.v1 service the server exposes, each built from the ports its own deps interface
 * names. The composition root (src/service.ts) fills them in; this module never sees the database
 * or any other adapter, only what the services declare they need.
 */
import type { ServiceBinding } from '../grpc-server';
import { bookingService, type BookingServiceDeps } from './booking-service';
import { cdrIngestService, type CdrIngestServiceDeps } from './cdr-ingest-service';
import { customerService, type CustomerServiceDeps } from './customer-service';
import { invoiceService, type InvoiceServiceDeps } from './invoice-service';
import { ratingService, type RatingServiceDeps } from './rating-service';

export interface ServicesDeps {
  cdrIngest: CdrIngestServiceDeps;
  rating: RatingServiceDeps;
  invoices: InvoiceServiceDeps;
  customers: CustomerServiceDeps;
  bookings: BookingServiceDeps;
}

export function billingServices(deps: ServicesDeps): ServiceBinding[] {
  return [
    cdrIngestService(deps.cdrIngest),
    ratingService(deps.rating),
    invoiceService(deps.invoices),
    customerService(deps.customers),
    bookingService(deps.bookings),
  ];
}

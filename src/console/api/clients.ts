/** Typed clients for every service the console uses, generated from proto/billing/v1. */
import { createClient, type Client, type Transport } from '@connectrpc/connect';
import { BookingService } from '../../gen/es/billing/v1/booking_service_pb';
import { CdrIngestService } from '../../gen/es/billing/v1/cdr_ingest_service_pb';
import { CustomerService } from '../../gen/es/billing/v1/customer_service_pb';
import { InvoiceService } from '../../gen/es/billing/v1/invoice_service_pb';
import { RatingService } from '../../gen/es/billing/v1/rating_service_pb';

export interface Clients {
  invoices: Client<typeof InvoiceService>;
  customers: Client<typeof CustomerService>;
  rating: Client<typeof RatingService>;
  cdrs: Client<typeof CdrIngestService>;
  bookings: Client<typeof BookingService>;
}

export function createClients(transport: Transport): Clients {
  return {
    invoices: createClient(InvoiceService, transport),
    customers: createClient(CustomerService, transport),
    rating: createClient(RatingService, transport),
    cdrs: createClient(CdrIngestService, transport),
    bookings: createClient(BookingService, transport),
  };
}

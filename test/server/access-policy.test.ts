/** The role table covers the whole API: no RPC is left to "admin only" by omission. */
import { describe, expect, it } from 'vitest';
import { ROLES } from '../../src/auth/roles';
import { BookingServiceDefinition } from '../../src/gen/billing/v1/booking_service';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { InvoiceServiceDefinition } from '../../src/gen/billing/v1/invoice_service';
import { RatingServiceDefinition } from '../../src/gen/billing/v1/rating_service';
import { accessPolicy } from '../../src/transport/grpc/access-policy';

const SERVICES = [CdrIngestServiceDefinition, RatingServiceDefinition, InvoiceServiceDefinition, CustomerServiceDefinition, BookingServiceDefinition];

describe('access policy', () => {
  it('lists roles for every RPC of every billing service', () => {
    const missing = SERVICES.flatMap((s) => Object.values(s.methods).filter((m) => !accessPolicy.rolesFor(s.fullName, m.name)?.length).map((m) => `${s.fullName}/${m.name}`));
    expect(missing).toEqual([]);
  });

  it('admits admin everywhere and keeps each role to its own work', () => {
    const path = (s: { fullName: string }, m: string) => `/${s.fullName}/${m}`;
    for (const s of SERVICES) for (const m of Object.values(s.methods)) expect(accessPolicy.admits(path(s, m.name), 'admin')).toBe(true);
    expect(accessPolicy.admits(path(CdrIngestServiceDefinition, 'StreamCdrs'), 'bridge')).toBe(true);
    expect(accessPolicy.admits(path(CustomerServiceDefinition, 'UpsertCustomer'), 'bridge')).toBe(false);
    expect(accessPolicy.admits(path(InvoiceServiceDefinition, 'ListInvoices'), 'reservations')).toBe(false);
    expect(accessPolicy.admits(path(RatingServiceDefinition, 'ValidateRuleSet'), 'sales')).toBe(false);
    expect(accessPolicy.admits(path(BookingServiceDefinition, 'WatchBookings'), 'bridge')).toBe(true);
    expect(accessPolicy.admits('/billing.v1.NoSuchService/Call', 'billing')).toBe(false);
    expect(ROLES).toContain('finance');
  });
});

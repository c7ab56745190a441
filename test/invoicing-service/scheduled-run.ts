/** The scheduler's run at a given moment over a test service's database, and what it invoiced. */
import type { PeriodPricingSource } from '../../src/app/invoicing/build';
import { closeDuePeriods, type DueCloseReport } from '../../src/app/invoicing/close-due-periods';
import { loadInvoicingConfig } from '../../src/config/invoicing-config';
import { PostgresCloseUnitOfWork } from '../../src/persistence/close-unit-of-work';
import { PostgresInvoiceStore } from '../../src/persistence/invoice-store';
import type { TestService } from '../support/test-service';
import { knexOf, rowsOf } from './support';

/**
 * The run at `now` as the service composes it (72 h grace); `liveRules`: with the live rule book's
 * price plans for period pricing, and issuing what it closes, as BILLING_CLOSE_ISSUE=true does.
 */
export function scheduledRunAt(
  t: TestService,
  now: string,
  options: { liveRules?: boolean } = {},
): Promise<DueCloseReport> {
  const settings = {
    ...loadInvoicingConfig({ BILLING_DEMO: 'true' }),
    closeGraceHours: 72,
    ...(options.liveRules ? { closeIssues: true } : {}),
  };
  return closeDuePeriods({
    store: new PostgresInvoiceStore(t.service.database),
    closing: new PostgresCloseUnitOfWork(t.service.database),
    settings,
    ...(options.liveRules
      ? {
          periodPricing: ((instant, plan, currency) =>
            t.service.rating.current!.book.periodPricingAt(
              instant,
              plan,
              currency,
            )) satisfies PeriodPricingSource,
        }
      : {}),
    now: () => new Date(now),
  });
}

/** "ACCOUNT PERIOD NET line kinds" of every invoice, by account and period. */
export async function invoiceSummaries(t: TestService): Promise<string[]> {
  const rows = await rowsOf<{
    customer_account: string;
    period_key: string;
    net_total: string;
    kinds: string;
  }>(
    knexOf(t.service.database).raw(
      `select i.customer_account, i.period_key, i.net_total::text,
              string_agg(l.kind, ',' order by l.line_no) as kinds
       from invoices i join invoice_lines l on l.invoice_id = i.id
       group by i.id order by i.customer_account, i.period_start`,
    ),
  );
  return rows.map((r) => `${r.customer_account} ${r.period_key} ${r.net_total} ${r.kinds}`);
}

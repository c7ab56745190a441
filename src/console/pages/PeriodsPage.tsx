/**
 * Billing periods: close a month, the reconciliation report, the month's bookkeeping file and its
 * mailing list.
 */
import { useSession } from '../session/session-context';
import { can } from '../session/can';
import { BookkeepingExport } from './BookkeepingExport';
import { ClosePeriodForm } from './ClosePeriodForm';
import { MailingList } from './MailingList';
import { ReconciliationReport } from './ReconciliationReport';

export function PeriodsPage() {
  const { role } = useSession();
  return (
    <section aria-labelledby="periods-title">
      <h1 id="periods-title">Periods</h1>
      {can(role, 'InvoiceService', 'CloseBillingPeriod') && <ClosePeriodForm />}
      <ReconciliationReport />
      {can(role, 'InvoiceService', 'ExportBookkeeping') && <BookkeepingExport />}
      {can(role, 'InvoiceService', 'GetMailingList') && <MailingList />}
    </section>
  );
}

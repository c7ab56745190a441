/**
 * `billing invoices close|list|show|pdf|ubl`: invoicing from the command line, straight on the database
 * named by DATABASE_URL (or the embedded one in BILLING_DATA_DIR, which only one process may open at
 * a time: stop the service first, or use a PostgreSQL server).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Command } from 'commander';
import type { InvoicingUseCases } from '../app/invoicing/invoicing-use-cases';
import type { InvoiceStatus, StoredInvoice } from '../app/invoicing/ports';
import { requestKey } from '../app/mutations';
import { DomainError, ValidationError } from '../domain/errors';
import { openBilling, type BillingCore } from './open-billing';

/** Runs with invoicing built as the service builds it (the live rule files price period-level items). */
async function withInvoicing(
  run: (invoicing: InvoicingUseCases, core: BillingCore) => Promise<void>,
): Promise<void> {
  let core: BillingCore | undefined;
  try {
    core = await openBilling();
    await run(core.invoicing, core);
  } catch (error) {
    if (error instanceof DomainError) {
      console.error(`error: ${error.message}`);
      process.exitCode = 1;
    } else throw error;
  } finally {
    await core?.close();
  }
}

function summary(i: StoredInvoice): string {
  const d = i.document;
  return [
    (i.number ?? `(draft ${i.id})`).padEnd(18),
    i.kind === 'INVOICE' ? 'invoice    ' : 'credit note',
    i.status.padEnd(6),
    i.customerAccount.padEnd(16),
    i.periodKey.padEnd(8),
    `${d.totals.grossTotal.padStart(14)} ${i.currency}`,
  ].join('  ');
}

function show(i: StoredInvoice): void {
  const d = i.document;
  console.log(
    `${i.kind === 'INVOICE' ? 'Invoice' : 'Credit note'} ${i.number ?? `(draft, id ${i.id})`}  [${i.status}]`,
  );
  console.log(
    `Customer ${i.customerAccount}: ${d.buyer.name}${d.buyer.vatNumber ? `, VAT ${d.buyer.vatNumber}` : ''}`,
  );
  console.log(`Period ${i.periodKey} (${d.period.startDate} – ${d.period.lastDate}, ${d.period.timeZone})`);
  if (i.status === 'ISSUED') console.log(`Issued ${d.issueDate}, due ${d.dueDate}`);
  if (i.creditedInvoiceNumber)
    console.log(`Credits invoice ${i.creditedInvoiceNumber}: ${i.creditReason ?? ''}`);
  if (i.creditNoteNumbers.length) console.log(`Credit notes: ${i.creditNoteNumbers.join(', ')}`);
  console.log('');
  for (const l of d.lines) {
    console.log(
      `${String(l.lineNo).padStart(3)}  ${l.description.padEnd(48)} ${l.quantity.padStart(12)} ${l.unitCode.padEnd(3)} ${l.unitPrice.padStart(10)} ${`${l.vatRate}%`.padStart(5)} ${l.netAmount.padStart(12)}`,
    );
  }
  console.log('');
  for (const v of d.vatBreakdown)
    console.log(`VAT ${v.vatCategory} ${v.vatRate}% on ${v.taxableAmount}: ${v.vatAmount}`);
  console.log(
    `Net ${d.totals.netTotal}  VAT ${d.totals.vatTotal}  Total ${d.totals.grossTotal} ${i.currency}`,
  );
}

export function registerInvoicesCommands(program: Command): Command {
  const invoices = program
    .command('invoices')
    .description('close billing periods, list, show and print invoices');

  invoices
    .command('close')
    .description(
      'close a billing period into draft invoices (idempotent: a closed period shows its invoices)',
    )
    .requiredOption(
      '--period <YYYY-MM>',
      'the month to close (the period containing the 15th of it, per customer)',
    )
    .option('--customer <account>', 'only this customer account')
    .option('--issue', 'issue the invoices at once (assigns numbers)', false)
    .action(async (opts: { period: string; customer?: string; issue: boolean }) => {
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(opts.period)) {
        console.error('error: --period must be YYYY-MM');
        process.exitCode = 1;
        return;
      }
      await withInvoicing(async (invoicing) => {
        const result = await invoicing.closePeriod({
          periodContaining: new Date(`${opts.period}-15T12:00:00Z`),
          ...(opts.customer ? { customerAccount: opts.customer } : {}),
          issue: opts.issue,
        });
        for (const i of result.invoices) console.log(summary(i));
        for (const s of result.skipped) console.error(`skipped ${s.customerAccount}: ${s.reason}`);
        console.log(`${result.invoices.length} invoice(s), ${result.skipped.length} customer(s) skipped`);
      });
    });

  invoices
    .command('rerate')
    .description(
      "price a customer's CDRs again; drafts are rebuilt, issued invoices corrected by a credit note and a supplementary invoice",
    )
    .requiredOption('--customer <account>', 'the customer account')
    .requiredOption(
      '--from <instant>',
      'CDRs starting at or after this ISO 8601 instant, e.g. 2026-10-01T00:00:00+02:00',
    )
    .requiredOption('--to <instant>', 'and before this one')
    .option('--rule-set <hash>', 'price with this archived rule set (content hash) instead of the live rules')
    .option('--reason <text>', 'printed on the correction documents')
    .option(
      '--request-id <id>',
      'idempotency key: running again with the same id and arguments changes nothing more',
      crypto.randomUUID(),
    )
    .action(
      async (opts: {
        customer: string;
        from: string;
        to: string;
        ruleSet?: string;
        reason?: string;
        requestId: string;
      }) => {
        await withInvoicing(async (_invoicing, core) => {
          const instant = (text: string, field: string) => {
            const d = new Date(text);
            if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || isNaN(d.getTime()))
              throw new ValidationError([{ field, reason: 'an ISO 8601 instant with a time and offset' }]);
            return d;
          };
          const request = {
            customerAccount: opts.customer,
            from: instant(opts.from, '--from'),
            to: instant(opts.to, '--to'),
            ruleSetHash: opts.ruleSet,
            reason: opts.reason,
          };
          const r = await core.rerating.rerateCharges({
            key: requestKey('InvoiceService.RerateCharges', opts.requestId, request),
            customerAccount: request.customerAccount,
            from: request.from,
            to: request.to,
            ...(opts.ruleSet ? { ruleSetHash: opts.ruleSet } : {}),
            ...(opts.reason ? { reason: opts.reason } : {}),
          });
          const money = (list: { currency: string; amount: string }[]) =>
            list.map((m) => `${m.amount} ${m.currency}`).join(', ') || '0';
          console.log(
            `re-rated ${r.reratedCount} charge(s), ${r.changedCount} changed (${r.invoicedChangedCount} on issued invoices), ${r.newlyRatedCount} newly rated`,
          );
          console.log(
            `before ${money(r.oldTotals)}, after ${money(r.newTotals)}; drafts rebuilt: ${r.rebuiltInvoiceIds.join(', ') || 'none'}`,
          );
          for (const c of r.corrections) console.log(summary(c));
        });
      },
    );

  invoices
    .command('list')
    .description('list invoices and credit notes, latest period first')
    .option('--customer <account>', 'only this customer account')
    .option('--status <status>', 'draft or issued')
    .option('--limit <n>', 'at most this many', '50')
    .action(async (opts: { customer?: string; status?: string; limit: string }) => {
      const status = opts.status?.toUpperCase();
      if (status && status !== 'DRAFT' && status !== 'ISSUED') {
        console.error('error: --status must be draft or issued');
        process.exitCode = 1;
        return;
      }
      const limit = Math.max(1, Math.min(10_000, Number(opts.limit) || 50));
      await withInvoicing(async (invoicing) => {
        let token: string | undefined;
        let shown = 0;
        do {
          const page = await invoicing.listInvoices({
            filter: {
              ...(opts.customer ? { customerAccount: opts.customer } : {}),
              ...(status ? { status: status as InvoiceStatus } : {}),
            },
            pageSize: Math.min(500, limit - shown),
            pageToken: token,
          });
          for (const i of page.invoices) console.log(summary(i));
          shown += page.invoices.length;
          token = page.nextPageToken || undefined;
        } while (token && shown < limit);
      });
    });

  invoices
    .command('show <number>')
    .description('show an invoice or credit note by number (or by id for a draft)')
    .action(async (number: string) => {
      await withInvoicing(async (invoicing) =>
        show(await invoicing.getInvoice(/^\d+$/.test(number) ? { id: number } : { number })),
      );
    });

  invoices
    .command('pdf <number>')
    .description('write the PDF of an invoice or credit note')
    .option('-o, --output <file>', 'output file (default: <kind>-<number>.pdf)')
    .action(async (number: string, opts: { output?: string }) => {
      await withInvoicing(async (invoicing) => {
        const invoice = await invoicing.getInvoice(/^\d+$/.test(number) ? { id: number } : { number });
        const pdf = await invoicing.renderInvoiceDocument({ invoiceId: invoice.id });
        const file = opts.output ?? pdf.fileName;
        fs.writeFileSync(file, pdf.content);
        console.log(`wrote ${file} (${pdf.content.length} bytes)`);
      });
    });

  invoices
    .command('ubl <number>')
    .description('write the Peppol BIS 3.0 e-invoice (UBL XML, PDF embedded) of an issued document')
    .option('-o, --out <file>', 'output file (default: <kind>-<number>.xml)')
    .action(async (number: string, opts: { out?: string }) => {
      await withInvoicing(async (invoicing) => {
        const invoice = await invoicing.getInvoice(/^\d+$/.test(number) ? { id: number } : { number });
        const ubl = await invoicing.renderInvoiceDocument({ invoiceId: invoice.id, format: 'ubl' });
        const file = opts.out ?? ubl.fileName;
        fs.writeFileSync(file, ubl.content);
        console.log(`wrote ${file} (${ubl.content.length} bytes)`);
      });
    });
  return invoices;
}

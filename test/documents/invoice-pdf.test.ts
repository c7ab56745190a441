import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderInvoicePdf } from '../../src/documents/invoice-pdf';
import { formatDecimalText } from '../../src/documents/invoice-text';
import { buildCreditNote, buildInvoiceDraft, formatInvoiceNumber } from '../../src/domain/invoicing/index';
import { baseInput, charge, issue, sampleCharges } from '../invoicing/fixtures';

const OUT = join(process.cwd(), 'test-output');

function hasPdftoppm(): boolean {
  try {
    execFileSync('pdftoppm', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Writes the PDF and, when poppler is installed, PNGs of its pages (name-1.png, ...) for looking at. */
function save(name: string, pdf: Buffer): void {
  mkdirSync(OUT, { recursive: true });
  const file = join(OUT, `${name}.pdf`);
  writeFileSync(file, pdf);
  if (hasPdftoppm()) execFileSync('pdftoppm', ['-png', '-r', '80', file, join(OUT, name)]);
}

const sample = issue(
  buildInvoiceDraft({
    ...baseInput,
    charges: [
      ...sampleCharges,
      charge('dial_out', 'NO', 'conf-C', '212.25', 14, '31.8375'),
      charge('toll_free_dial_in', 'US', 'conf-C', '1310.5', 22, '458.675'),
      charge('local_dial_in', 'DE', 'conf-D', '95', 6, '12.35'),
      charge('dial_out', 'SE', 'conf-D', '18', 3, '3.60', { servicePeriodKey: '2026-10' }),
    ],
    periodPricing: {
      includedMinutes: { minutes: '100', accessTypes: ['local_dial_in'] },
      minimumCommitment: { amount: '750' },
    },
    notes: ['Questions about this invoice: billing@nordkonferens.example or +46 8 123 456 00.'],
  }),
  formatInvoiceNumber('INV', 2026, 42),
);

describe('invoice PDF', () => {
  it('formats decimal text without numbers', () => {
    expect(formatDecimalText('1234567.5')).toBe('1,234,567.50');
    expect(formatDecimalText('-0.005')).toBe('-0.01');
    expect(formatDecimalText('-0.004')).toBe('0.00');
    expect(formatDecimalText('999.995')).toBe('1,000.00');
    expect(formatDecimalText('0.09', 4)).toBe('0.0900');
    expect(formatDecimalText('12', 0)).toBe('12');
  });

  it('renders the sample invoice', async () => {
    const pdf = await renderInvoicePdf(sample);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(3000);
    save('sample-invoice', pdf);
    expect(existsSync(join(OUT, 'sample-invoice.pdf'))).toBe(true);
    if (hasPdftoppm()) {
      const text = execFileSync('pdftotext', ['-layout', join(OUT, 'sample-invoice.pdf'), '-']).toString();
      for (const s of [
        'INV-2026-000042',
        'SE556677889901',
        'SE556123456701',
        '2027-01-01',
        '2026-11-01 – 2026-11-30',
        'Minimum commitment',
        'Total to pay',
        'Åkerlund & Söner Konsult AB',
      ]) {
        expect(text).toContain(s);
      }
      expect(text).toContain(sample.totals.payableAmount.replace(/\B(?=(\d{3})+(?!\d))/g, ','));
    }
  });

  it('renders a credit note with its reference', async () => {
    const cn = issue(
      buildCreditNote(sample, {
        reason: 'Toll-free US minutes were rated with the wrong zone.',
        lines: [sample.lines[3]!],
        issueDate: '2026-12-12',
      }),
      'CN-2026-000003',
    );
    const pdf = await renderInvoicePdf(cn);
    save('sample-credit-note', pdf);
    if (hasPdftoppm()) {
      const text = execFileSync('pdftotext', [
        '-layout',
        join(OUT, 'sample-credit-note.pdf'),
        '-',
      ]).toString();
      expect(text).toContain('CREDIT NOTE');
      expect(text).toContain('corrects invoice INV-2026-000042 of 2026-12-02');
      expect(text).toContain('Total credited');
    }
  });

  it('breaks long invoices over pages with the table header repeated', async () => {
    const charges = Array.from({ length: 70 }, (_, i) =>
      charge('local_dial_in', 'SE', `conference-${String(i + 1).padStart(3, '0')}`, '37.5', 3, '3.375'),
    );
    const inv = issue(
      buildInvoiceDraft({ ...baseInput, charges, grouping: 'conference' }),
      'INV-2026-000043',
    );
    const pdf = await renderInvoicePdf(inv);
    save('sample-long-invoice', pdf);
    if (hasPdftoppm()) {
      const info = execFileSync('pdfinfo', [join(OUT, 'sample-long-invoice.pdf')]).toString();
      expect(Number(/Pages:\s+(\d+)/.exec(info)![1])).toBeGreaterThan(1);
    }
  });
});

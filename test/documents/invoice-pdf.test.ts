import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderInvoicePdf } from '../../src/documents/invoice-pdf';
import {
  allowanceText,
  basisLabel,
  formatDecimalText,
  formatExactDecimal,
} from '../../src/documents/invoice-text';
import { buildCreditNote, buildInvoiceDraft, formatInvoiceNumber } from '../../src/domain/invoicing/index';
import { lineAddsUp } from '../../src/domain/invoicing/line-price';
import { baseInput, calls, issue, sampleCharges } from '../invoicing/fixtures';

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
      calls('dial_out', 'NO', 'conf-C', '0.15', Array<number>(14).fill(910)),
      calls('toll_free_dial_in', 'US', 'conf-C', '0.35', Array<number>(22).fill(3574)),
      calls('local_dial_in', 'DE', 'conf-D', '0.13', Array<number>(6).fill(950)),
      // a discounted call: 893,191 s at 0.0246 per minute = 366.21, less 5 % (18.31) = 347.90
      calls('dial_out', 'SE', 'conf-E', '0.0246', [893191], {
        amount: '347.90',
        parts: [
          {
            kind: 'usage',
            quantity: '893191',
            unitCode: 'SEC',
            price: '0.0246',
            baseQuantity: '60',
            discountPercent: '5',
            discountReason: 'Contract K-5',
          },
        ],
      }),
      calls('dial_out', 'SE', 'conf-D', '0.20', [360, 360, 360], { servicePeriodKey: '2026-10' }),
    ],
    periodPricing: {
      includedMinutes: { minutes: '100', accessTypes: ['local_dial_in'] },
      minimumCommitment: { amount: '1000' },
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

  it('prints exact quantities and prices, their basis and the discount, never rounded', () => {
    expect(formatExactDecimal('893191', 0)).toBe('893,191');
    expect(formatExactDecimal('0.0246')).toBe('0.0246');
    expect(formatExactDecimal('0.000123')).toBe('0.000123');
    expect(formatExactDecimal('5')).toBe('5.00');
    expect(basisLabel({ baseQuantity: '60', unitCode: 'SEC' })).toBe('per 60 s');
    expect(basisLabel({ unitCode: 'C62' })).toBe('');
    expect(
      allowanceText({ percent: '5', baseAmount: '366.21', amount: '18.31', reason: 'Contract K-5' }),
    ).toBe('Contract K-5: 5 % of 366.21: -18.31');
    // On a credit note the discount takes back less.
    expect(
      allowanceText({ percent: '5', baseAmount: '-366.21', amount: '-18.31', reason: 'Contract K-5' }),
    ).toBe('Contract K-5: 5 % of -366.21: 18.31');
    // The sample's discounted line: 893191 x 0.0246 / 60 = 366.2083 -> 366.21, less 5 % = 18.3105 -> 18.31
    const discounted = sample.lines.find((l) => l.allowance)!;
    expect(discounted).toMatchObject({ quantity: '893191', unitPrice: '0.0246', netAmount: '347.90' });
    expect(discounted.allowance).toMatchObject({ baseAmount: '366.21', amount: '18.31' });
    expect(sample.lines.every((l) => lineAddsUp(l))).toBe(true);
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
      calls('local_dial_in', 'SE', `conference-${String(i + 1).padStart(3, '0')}`, '0.09', [750, 750, 750]),
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

  it('states the VAT of a EUR invoice in SEK, and lists each call in the call specification', async () => {
    const eur = issue(
      buildInvoiceDraft({
        ...baseInput,
        currency: 'EUR',
        charges: [calls('dial_out', 'DE', 'conf-F', '0.12', [125, 3600, 61], { currency: 'EUR' })],
      }),
      'INV-2026-000044',
    );
    eur.accountingCurrencyVat = {
      currency: 'SEK',
      rate: '11.0245',
      rateDate: '2026-12-01',
      rateSource: 'Riksbanken',
      vatTotal: '5.29',
    };
    const pdf = await renderInvoicePdf(eur, {
      callSpecification: {
        totalCalls: 3,
        rows: [
          {
            start: '2026-11-03T08:05:09Z',
            accessType: 'dial_out',
            number: '+4930123XXX',
            durationSeconds: 125,
            amount: '0.25',
          },
          {
            start: '2026-11-04T13:00:00Z',
            accessType: 'dial_out',
            number: '+4930987XXX',
            durationSeconds: 3600,
            amount: '7.20',
          },
          {
            start: '2026-11-05T23:59:30Z',
            accessType: 'dial_out',
            number: '+4989555XXX',
            durationSeconds: 61,
            amount: '0.12',
          },
        ],
      },
    });
    save('sample-eur-invoice-with-call-specification', pdf);
    if (hasPdftoppm()) {
      const text = execFileSync('pdftotext', [
        '-layout',
        join(OUT, 'sample-eur-invoice-with-call-specification.pdf'),
        '-',
      ]).toString();
      expect(text).toContain('VAT in SEK: 5.29 SEK (1 EUR = 11.0245 SEK, rate of 2026-12-01, Riksbanken)');
      expect(text).toContain('Call specification for invoice INV-2026-000044');
      // Local (Stockholm) time, masked number, duration and price.
      expect(text).toMatch(/2026-11-03 09:05:09\s+Dial-out\s+\+4930123XXX\s+2:05\s+0\.25/);
    }
  });

  it('renders a supplementary invoice that names the invoice it complements', async () => {
    const extra = issue(
      buildInvoiceDraft({
        ...baseInput,
        charges: [],
        extraLines: [
          {
            kind: 'usage',
            description: 'Rerated: Dial-out, zone SE',
            quantity: '600',
            unitCode: 'SEC',
            unitPrice: '0.13',
            baseQuantity: '60',
            netAmount: '1.30',
            vatRate: '25',
          },
        ],
        precedingInvoiceNumber: 'INV-2026-000042',
        precedingInvoiceDate: '2026-12-02',
      }),
      'INV-2026-000045',
    );
    const pdf = await renderInvoicePdf(extra);
    save('sample-supplementary-invoice', pdf);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  });
});

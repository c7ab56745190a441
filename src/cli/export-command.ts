/**
 * `billing export sie --period YYYY-MM [--out FILE]`: the month's issued invoices and credit notes as
 * a SIE 4 import file (type 4i) for the bookkeeping program, the same file as
 * InvoiceService.ExportBookkeeping: only a month that has ended; the first export records the month
 * (no document may be dated in it any more) and a later one writes the recorded file again
 * (src/app/bookkeeping/export-bookkeeping.ts). It neither migrates nor loads the rule files.
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import { ConfigError } from '../config/config';
import { DomainError } from '../domain/errors';
import { monthOption } from './csv';
import { openBilling, type BillingCore } from './open-billing';

export function registerExportCommands(program: Command): Command {
  const exports = program.command('export').description('files for other systems: bookkeeping');
  exports
    .command('sie')
    .description(
      'write the invoices and credit notes issued in a month as a SIE 4 file (vouchers, code page 437)',
    )
    .requiredOption('--period <YYYY-MM>', 'the month of the issue dates', monthOption)
    .option('-o, --out <file>', 'output file (default: bookkeeping-<YYYY-MM>.si)')
    .action(async (opts: { period: string; out?: string }) => {
      let core: BillingCore | undefined;
      try {
        core = await openBilling({ loadRules: false, migrate: false });
        const file = await core.bookkeeping.exportBookkeeping({ period: opts.period });
        const out = opts.out ?? file.fileName;
        fs.writeFileSync(out, file.content);
        console.log(`wrote ${out}: ${file.voucherCount} voucher(s), ${file.content.length} bytes`);
      } catch (error) {
        if (error instanceof DomainError || error instanceof ConfigError) {
          console.error(`error: ${error.message}`);
          process.exitCode = 1;
        } else throw error;
      } finally {
        await core?.close();
      }
    });
  return exports;
}

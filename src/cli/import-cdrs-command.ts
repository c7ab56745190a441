/**
 * `billing import-cdrs FILE...`: CDR files from bridges that cannot stream (Asterisk Master.csv,
 * FreeSWITCH JSON), through the same validation, dedup and pricing as the gRPC stream. Importing
 * a file twice is harmless: the second time every record is a duplicate.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { ingestCdrs, type CdrResult } from '../app/ingest/ingest-cdrs';
import { CDR_FILE_FORMATS, detectFormat, parseCdrFile, type CdrFileFormat, type CdrImportOptions } from '../importers/index';
import { openBilling } from './open-billing';

const BATCH = 1000;

function keyValues(text: string | undefined): Record<string, string> {
  if (!text) return {};
  return Object.fromEntries(text.split(',').map((pair) => pair.split('=').map((s) => s.trim()) as [string, string]));
}

export function registerImportCdrsCommand(program: Command): void {
  program
    .command('import-cdrs')
    .description('import CDR files (Asterisk cdr_csv Master.csv, FreeSWITCH JSON CDRs); see docs/cdr-import.md')
    .argument('<files...>', 'CDR files')
    .requiredOption('--bridge-id <id>', 'bridge id stamped on every record (with the record id, the CDR identity)')
    .option('--format <format>', `one of ${CDR_FILE_FORMATS.join(', ')} (default: detected)`)
    .option('--time-zone <zone>', 'IANA zone of the naive timestamps in Asterisk files (required for Asterisk)')
    .option('--ambiguous-time <policy>', 'DST fall-back hour: earlier, later or reject', 'earlier')
    .option('--customer-account <id>', 'customer account for records that carry none')
    .option('--access-type-by-context <map>', 'dialplan context to access type, e.g. "conf-in=local_dial_in,tf=toll_free_dial_in"')
    .option('--default-access-type <type>', 'access type for records whose context is not mapped')
    .option('--keep-unanswered', 'import unanswered legs too (0 s)', false)
    .option('--country-code <digits>', 'country calling code for national numbers, e.g. 46')
    .option('--dry-run', 'parse and validate only; store nothing', false)
    .action(async (files: string[], opts: Record<string, string | boolean | undefined>) => {
      const core = opts.dryRun ? undefined : await openBilling();
      const totals: Record<CdrResult['outcome'] | 'skipped', number> = { accepted: 0, duplicate: 0, conflict: 0, rejected: 0, skipped: 0 };
      let problems = 0;
      try {
        for (const file of files) {
          const text = fs.readFileSync(file, 'utf8');
          const format = (opts.format as CdrFileFormat | undefined) ?? detectFormat(path.basename(file), text);
          if (!format) throw new Error(`${file}: cannot tell the format; pass --format`);
          const options: CdrImportOptions = {
            bridgeId: opts.bridgeId as string,
            timeZone: opts.timeZone as string,
            ambiguousTime: opts.ambiguousTime as CdrImportOptions['ambiguousTime'],
            defaultCustomerAccount: opts.customerAccount as string | undefined,
            accessTypeByContext: keyValues(opts.accessTypeByContext as string | undefined),
            defaultAccessType: opts.defaultAccessType as string | undefined,
            keepUnanswered: Boolean(opts.keepUnanswered),
            countryCode: opts.countryCode as string | undefined,
          } as CdrImportOptions;
          const parsed = parseCdrFile(text, format, options);
          for (const s of parsed.skipped) console.log(`${file}:${s.line}: skipped: ${s.reason}`);
          for (const w of parsed.warnings) console.log(`${file}:${w.line}: warning: ${w.message}`);
          totals.skipped += parsed.skipped.length;
          if (!core) {
            console.log(`${file}: ${format}, ${parsed.drafts.length} records parsed (dry run, nothing stored)`);
            continue;
          }
          for (let i = 0; i < parsed.drafts.length; i += BATCH) {
            const chunk = parsed.drafts.slice(i, i + BATCH);
            const results = await ingestCdrs(chunk.map((d) => d.draft), core.ingest);
            results.forEach((r, j) => {
              totals[r.outcome] += 1;
              if (r.outcome === 'conflict' || r.outcome === 'rejected') {
                problems += 1;
                console.log(`${file}:${chunk[j]!.line}: ${r.outcome}: ${r.violations.map((v) => `${v.field}: ${v.reason}`).join('; ')}`);
              } else if (r.rating && !r.rating.rated) {
                console.log(`${file}:${chunk[j]!.line}: stored unrated: ${r.rating.reason}`);
              }
            });
          }
        }
      } finally {
        await core?.close();
      }
      console.log(Object.entries(totals).map(([k, v]) => `${k} ${v}`).join(', '));
      if (problems) process.exitCode = 1;
    });
}

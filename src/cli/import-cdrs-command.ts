/**
 * `billing import-cdrs FILE...`: CDR files from bridges that cannot stream (Asterisk Master.csv,
 * FreeSWITCH JSON), through the same validation, dedup and pricing as the gRPC stream. Importing
 * a file twice is harmless: the second time every record is a duplicate.
 *
 * A file that cannot be imported costs one line naming it, never the run: the others are still
 * imported and the summary is always printed. Exit codes are documented in docs/cdr-import.md.
 */
import { systemClock } from '../app/clock';
import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { ingestCdrs, type CdrOutcome, type IngestDeps } from '../app/ingest/ingest-cdrs';
import {
  CDR_FILE_FORMATS,
  TEXT_ENCODINGS,
  isCdrFileError,
  readCdrFile,
  type CdrFileFormat,
  type CdrImportOptions,
  type TextEncodingName,
} from '../importers/index';
import { dryRunIngestDeps } from '../importers/dry-run-store';
import { IMPORT_OPTION_FLAGS, flagName, type OptionFlag } from '../importers/option-flags';
import { openBilling, type BillingCore } from './open-billing';

/** Most severe first: when several apply, the smallest non-zero code is the exit code. */
export const IMPORT_EXIT = { ok: 0, fileNotImported: 1, rowsRejected: 2, emptyFile: 3 } as const;

const EXIT_HELP = `
Exit codes:
  0  every file read; no row rejected, no conflict
  1  usage error, or a file not imported (unreadable, binary/compressed, unknown format, bad encoding, unusable options)
  2  rows rejected (unreadable rows or failed validation) or conflicts with stored records
  3  an empty file (nothing to import)`;

const BATCH = 1000;

type Totals = Record<CdrOutcome | 'skipped', number>;
const newTotals = (): Totals => ({ accepted: 0, duplicate: 0, conflict: 0, rejected: 0, skipped: 0 });
const formatTotals = (t: Totals) =>
  Object.entries(t)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

function addFlag(cmd: Command, key: string, spec: OptionFlag): void {
  const name = flagName(key);
  const option = new Option(spec.arg ? `--${name} ${spec.arg}` : `--${name}`, spec.description);
  if (spec.choices) option.choices(spec.choices);
  if (spec.parse) {
    const parse = spec.parse;
    option.argParser((raw: string) => {
      try {
        return parse(raw);
      } catch (e) {
        throw new InvalidArgumentError((e as Error).message);
      }
    });
  }
  if (spec.required) option.makeOptionMandatory();
  cmd.addOption(option);
  if (spec.negatable)
    cmd.addOption(new Option(`--no-${name}`, `Asterisk: cdr.conf ${name.replace(/-/g, '')}=no`));
}

function oneLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' ');
}

function readError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'cannot read: no such file';
  if (code === 'EISDIR') return 'cannot read: a directory, not a file';
  if (code === 'EACCES') return 'cannot read: permission denied';
  return `cannot read: ${oneLine(e)}`;
}

interface RunState {
  totals: Totals;
  notImported: number;
  empty: number;
  dryRun: boolean;
  deps: () => Promise<IngestDeps>;
}

/** Reads, validates and (unless dry run) stores one file; prints its rows' problems and its summary line. */
async function importFile(
  file: string,
  options: CdrImportOptions,
  how: { format?: CdrFileFormat; encoding?: TextEncodingName },
  run: RunState,
): Promise<void> {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    run.notImported++;
    console.error(`${file}: ${readError(e)}`);
    return;
  }
  let read: ReturnType<typeof readCdrFile>;
  try {
    read = readCdrFile(path.basename(file), bytes, options, how);
  } catch (e) {
    run.notImported++;
    console.error(
      `${file}: ${isCdrFileError(e) ? e.message : `not imported, unexpected error: ${oneLine(e)}`}`,
    );
    return;
  }
  if (read.kind === 'empty') {
    run.empty++;
    console.log(`${file}: empty file, nothing to import`);
    return;
  }
  const { result, format, encoding } = read;
  const totals = newTotals();
  for (const s of result.skipped) console.log(`${file}:${s.line}: skipped: ${s.reason}`);
  for (const r of result.rejected) console.log(`${file}:${r.line}: rejected: ${r.reason}`);
  for (const w of result.warnings) console.log(`${file}:${w.line}: warning: ${w.message}`);
  totals.skipped = result.skipped.length;
  totals.rejected = result.rejected.length;
  const deps = result.drafts.length ? await run.deps() : undefined;
  for (let i = 0; deps && i < result.drafts.length; i += BATCH) {
    const chunk = result.drafts.slice(i, i + BATCH);
    const outcomes = await ingestCdrs(
      deps,
      chunk.map((d) => d.draft),
    );
    outcomes.forEach((r, j) => {
      totals[r.outcome] += 1;
      const line = chunk[j]!.line;
      if (r.outcome === 'conflict' || r.outcome === 'rejected') {
        console.log(
          `${file}:${line}: ${r.outcome}: ${r.violations.map((v) => `${v.field}: ${v.reason}`).join('; ')}`,
        );
      } else if (!run.dryRun && r.rating && !r.rating.rated) {
        console.log(`${file}:${line}: stored unrated: ${r.rating.reason}`);
      }
    });
  }
  for (const k of Object.keys(totals) as Array<keyof Totals>) run.totals[k] += totals[k];
  console.log(`${file}: ${format}, ${encoding}: ${formatTotals(totals)}`);
}

export function registerImportCdrsCommand(program: Command): void {
  const cmd = program
    .command('import-cdrs')
    .description(
      'import CDR files (Asterisk cdr_csv Master.csv, FreeSWITCH JSON CDRs); see docs/cdr-import.md',
    )
    .argument('<files...>', 'CDR files');
  for (const [key, spec] of Object.entries(IMPORT_OPTION_FLAGS)) addFlag(cmd, key, spec);
  cmd
    .addOption(new Option('--format <format>', 'skip format detection').choices(CDR_FILE_FORMATS))
    .addOption(
      new Option(
        '--encoding <encoding>',
        'text encoding (default: UTF-16 when detected, else UTF-8; latin1 = ISO-8859-1/Windows-1252)',
      ).choices(TEXT_ENCODINGS),
    )
    .option('--dry-run', 'read and validate exactly as an import, but store nothing (and price nothing)')
    // The flag's name before it matched the option's; kept so existing scripts still run.
    .addOption(new Option('--customer-account <account>').hideHelp())
    .addHelpText('after', EXIT_HELP)
    .action(async (files: string[], opts: Record<string, unknown>) => {
      const options = Object.fromEntries(
        Object.keys(IMPORT_OPTION_FLAGS).flatMap((k) => (opts[k] === undefined ? [] : [[k, opts[k]]])),
      ) as unknown as CdrImportOptions;
      options.defaultCustomerAccount ??= opts.customerAccount as string | undefined;
      const dryRun = Boolean(opts.dryRun);
      let core: BillingCore | undefined;
      let deps: IngestDeps | undefined;
      const run: RunState = {
        totals: newTotals(),
        notImported: 0,
        empty: 0,
        dryRun,
        // Opened on first use: a run whose files are all unusable needs no database.
        deps: async () =>
          (deps ??= dryRun ? dryRunIngestDeps(systemClock) : (core = await openBilling()).ingest),
      };
      const how = {
        format: opts.format as CdrFileFormat | undefined,
        encoding: opts.encoding as TextEncodingName | undefined,
      };
      let stoppedBy: string | undefined;
      try {
        for (const file of files) await importFile(file, options, how, run);
      } catch (e) {
        // The database failed: the remaining files would fail the same way.
        stoppedBy = oneLine(e);
        console.error(`import-cdrs: stopped, cannot store CDRs: ${stoppedBy}`);
      } finally {
        await core?.close().catch(() => undefined);
      }
      const fileCounts = `${files.length} file(s), ${run.notImported} not imported, ${run.empty} empty`;
      console.log(
        `total: ${fileCounts}: ${formatTotals(run.totals)}${dryRun ? ' (dry run: nothing stored)' : ''}`,
      );
      process.exitCode =
        run.notImported || stoppedBy
          ? IMPORT_EXIT.fileNotImported
          : run.totals.rejected || run.totals.conflict
            ? IMPORT_EXIT.rowsRejected
            : run.empty
              ? IMPORT_EXIT.emptyFile
              : IMPORT_EXIT.ok;
    });
}

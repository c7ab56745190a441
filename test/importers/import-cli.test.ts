/**
 * `billing import-cdrs` with broken files, as an operator runs it: real child processes of
 * bin/billing.mjs, judged by what they print and their exit codes (docs/cdr-import.md). Dry runs need
 * no database; the real runs use the embedded one in a temporary directory.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMPORT_OPTION_FLAGS, flagName } from '../../src/importers/option-flags';
import { file, row } from './master-csv-row';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SLOW = 180_000;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(REPO_ROOT, 'bin/billing.mjs'), 'import-cdrs', ...args],
      { cwd: REPO_ROOT, env: { ...process.env, BILLING_LOG_LEVEL: 'error', ...env }, maxBuffer: 16 << 20 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: unknown }).code ?? -1) : 0, stdout, stderr }),
    );
  });
}

const lines = (text: string) => text.split('\n').filter((l) => l !== '');
const lastLine = (text: string) => lines(text).at(-1) ?? '';
const noStackTrace = (r: Run) => expect(r.stderr + r.stdout).not.toMatch(/^\s+at |Error:|node:internal/m);

describe('billing import-cdrs (command line)', () => {
  let dir: string;
  const at = (name: string) => path.join(dir, name);
  const common = [
    '--bridge-id',
    'cli-bridge',
    '--time-zone',
    'UTC',
    '--default-access-type',
    'local_dial_in',
  ];

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'import-cli-'));
    const write = (name: string, content: string | Buffer) => fs.writeFileSync(at(name), content);
    write('good.csv', file(row({ uniqueid: 'g1' }), row({ uniqueid: 'g2' })));
    // 3 accepted, 1 unreadable (19 columns), 1 rejected by validation (no account), 1 unanswered and 1 repeated row skipped.
    write(
      'mixed.csv',
      file(
        row({ uniqueid: 'm1' }),
        row({ uniqueid: 'm2', userfield: 'NOTE' }) + ',"extra"',
        row({ uniqueid: 'm3', accountcode: '' }),
        row({ uniqueid: 'm4', answer: '', billsec: 0, disposition: 'NO ANSWER' }),
        row({ uniqueid: 'm5' }),
        row({ uniqueid: 'm5' }),
        row({ uniqueid: 'm6' }),
      ),
    );
    write(
      'nineteen.csv',
      file(row({ uniqueid: 'n1' }), row({ uniqueid: 'n2', userfield: 'CUSTOMER-NOTE' }) + ',"extra"'),
    );
    write('seventeen.csv', file(row({ cols: 17, only: 'userfield', userfield: 'C-17' })));
    write('twenty.csv', file(row({ cols: 20, only: 'uniqueid', uniqueid: 'u20', sequence: 2 })));
    write(
      'contexts.csv',
      file(row({ uniqueid: 'c1', dcontext: 'from-tollfree' }), row({ uniqueid: 'c2', dcontext: 'conf-out' })),
    );
    write('latin1.csv', Buffer.from(file(row({ uniqueid: 'l1', accountcode: 'Företag AB' })), 'latin1'));
    write(
      'utf16.csv',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(file(row({ uniqueid: 'w1' })), 'utf16le')]),
    );
    write(
      'Master.csv.gz',
      Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x4b, 0x4c, 0x04, 0x00]),
    );
    write(
      'program.bin',
      Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00]),
    );
    write('notes.txt', 'Call log for November\nnothing here\n');
    write('empty.csv', '');
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it(
    'an unknown, a binary and a gzipped file each get one line naming the file and the supported formats, and exit 1',
    async () => {
      const runs = await Promise.all(
        ['notes.txt', 'program.bin', 'Master.csv.gz'].map((f) => cli([...common, at(f)])),
      );
      for (const [i, f] of ['notes.txt', 'program.bin', 'Master.csv.gz'].entries()) {
        const r = runs[i]!;
        expect(r.code, f).toBe(1);
        expect(lines(r.stderr), f).toEqual([
          expect.stringMatching(
            new RegExp(
              `^${at(f).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*supported: Asterisk cdr_csv Master\\.csv \\(asterisk-csv\\) and FreeSWITCH JSON CDRs \\(freeswitch-json\\)`,
            ),
          ),
        ]);
        noStackTrace(r);
      }
      expect(runs[1]!.stderr).toMatch(/binary data/);
      expect(runs[2]!.stderr).toMatch(/gzip-compressed data \(decompress it first/);
    },
    SLOW,
  );

  it(
    'a multi-file run prints its summary when a later file fails',
    async () => {
      const r = await cli([...common, '--dry-run', at('good.csv'), at('Master.csv.gz'), at('missing.csv')]);
      expect(r.code).toBe(1);
      expect(lines(r.stdout)).toContain(
        `${at('good.csv')}: asterisk-csv, utf8: accepted 2, duplicate 0, conflict 0, rejected 0, skipped 0`,
      );
      expect(lines(r.stderr)).toEqual([
        expect.stringContaining(`${at('Master.csv.gz')}: gzip-compressed`),
        `${at('missing.csv')}: cannot read: no such file`,
      ]);
      expect(lastLine(r.stdout)).toBe(
        'total: 3 file(s), 2 not imported, 0 empty: accepted 2, duplicate 0, conflict 0, rejected 0, skipped 0 (dry run: nothing stored)',
      );
      noStackTrace(r);
    },
    SLOW,
  );

  it(
    'rejects a 19-column row of an 18-column file with its line and reason, and exits 2',
    async () => {
      const r = await cli([...common, '--dry-run', at('nineteen.csv')]);
      expect(r.code).toBe(2);
      expect(lines(r.stdout)).toContain(
        `${at('nineteen.csv')}:2: rejected: has 19 columns; this file's rows have 18 (from line 1, the first row)`,
      );
      expect(lines(r.stdout)).toContain(
        `${at('nineteen.csv')}: asterisk-csv, utf8: accepted 1, duplicate 0, conflict 0, rejected 1, skipped 0`,
      );
    },
    SLOW,
  );

  it(
    'imports 17- and 20-column files with the cdr.conf flags, and refuses them in one line without',
    async () => {
      const [r17, r20, bare] = await Promise.all([
        cli([
          ...common,
          '--dry-run',
          '--log-user-field',
          '--customer-account-from',
          'userfield',
          at('seventeen.csv'),
        ]),
        cli([...common, '--dry-run', '--log-unique-id', '--new-cdr-columns', at('twenty.csv')]),
        cli([...common, '--dry-run', at('seventeen.csv')]),
      ]);
      expect(r17.code).toBe(0);
      expect(lastLine(r17.stdout)).toMatch(/accepted 1, .*rejected 0/);
      expect(r20.code).toBe(0);
      expect(lastLine(r20.stdout)).toMatch(/accepted 1, .*rejected 0/);
      expect(bare.code).toBe(1);
      expect(lines(bare.stderr)).toEqual([
        `${at('seventeen.csv')}: line 1 has 17 columns, which is ambiguous (uniqueid or userfield?): pass --log-unique-id or --log-user-field (and --new-cdr-columns) as set in cdr.conf [csv]`,
      ]);
    },
    SLOW,
  );

  it(
    '--help lists every importer option and every flag of docs/cdr-import.md, and the exit codes',
    async () => {
      const r = await cli(['--help']);
      expect(r.code).toBe(0);
      const help = r.stdout;
      for (const key of Object.keys(IMPORT_OPTION_FLAGS))
        expect(help, key).toMatch(new RegExp(`--${flagName(key)}\\b`));
      const docs = fs.readFileSync(path.join(REPO_ROOT, 'docs/cdr-import.md'), 'utf8');
      const documented = new Set([...docs.matchAll(/`(--[a-z0-9-]+)/g)].map((m) => m[1]!));
      expect(documented.size).toBeGreaterThan(30);
      for (const flag of documented) expect(help, flag).toMatch(new RegExp(`${flag}\\b`));
      expect(help).toMatch(/Exit codes:\n\s+0 .*\n\s+1 .*\n\s+2 .*\n\s+3 /);
    },
    SLOW,
  );

  it(
    'takes the context map in the syntax of the docs, and refuses a malformed one as a usage error',
    async () => {
      const [ok, bad] = await Promise.all([
        cli([
          '--bridge-id',
          'cli-bridge',
          '--time-zone',
          'UTC',
          '--dry-run',
          '--access-type-by-context',
          'from-tollfree=toll_free_dial_in,conf-out=dial_out',
          at('contexts.csv'),
        ]),
        cli([
          ...common,
          '--dry-run',
          '--access-type-by-context',
          'from-tollfree:toll_free_dial_in',
          at('contexts.csv'),
        ]),
      ]);
      expect(ok.code).toBe(0);
      expect(lastLine(ok.stdout)).toMatch(/accepted 2, .*rejected 0/);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(
        /option '--access-type-by-context <map>' argument 'from-tollfree:toll_free_dial_in' is invalid\. 'from-tollfree:toll_free_dial_in' is not key=value/,
      );
      noStackTrace(bad);
    },
    SLOW,
  );

  it(
    'exit codes: 0 all accepted, 2 rows rejected, 3 an empty file (said so), and 1 wins over 2 over 3',
    async () => {
      const [ok, rejected, empty, worst] = await Promise.all([
        cli([...common, '--dry-run', at('good.csv')]),
        cli([...common, '--dry-run', at('mixed.csv')]),
        cli([...common, '--dry-run', at('empty.csv'), at('good.csv')]),
        cli([...common, '--dry-run', at('empty.csv'), at('mixed.csv'), at('notes.txt')]),
      ]);
      expect([ok.code, rejected.code, empty.code, worst.code]).toEqual([0, 2, 3, 1]);
      expect(lines(empty.stdout)).toContain(`${at('empty.csv')}: empty file, nothing to import`);
      expect(lastLine(empty.stdout)).toMatch(/^total: 2 file\(s\), 0 not imported, 1 empty: accepted 2/);
    },
    SLOW,
  );

  it(
    'refuses Latin-1 with a hint, imports it with --encoding latin1, and reads UTF-16 by itself',
    async () => {
      const [refused, told, utf16] = await Promise.all([
        cli([...common, '--dry-run', at('latin1.csv')]),
        cli([...common, '--dry-run', '--encoding', 'latin1', at('latin1.csv')]),
        cli([...common, '--dry-run', at('utf16.csv')]),
      ]);
      expect(refused.code).toBe(1);
      expect(lines(refused.stderr)).toEqual([
        `${at('latin1.csv')}: line 1 is not valid UTF-8; if it is Latin-1 (ISO-8859-1/Windows-1252), pass --encoding latin1`,
      ]);
      expect(told.code).toBe(0);
      expect(lines(told.stdout)).toContain(
        `${at('latin1.csv')}: asterisk-csv, latin1: accepted 1, duplicate 0, conflict 0, rejected 0, skipped 0`,
      );
      expect(utf16.code).toBe(0);
      expect(lines(utf16.stdout)).toContain(
        `${at('utf16.csv')}: asterisk-csv, utf16le: accepted 1, duplicate 0, conflict 0, rejected 0, skipped 0`,
      );
    },
    SLOW,
  );

  it(
    'a dry run and a real run report the same counts and exit code on the same file; the real run stores',
    async () => {
      // Embedded database in a directory of its own (it admits one process at a time: runs in sequence).
      const db = { DATABASE_URL: '', BILLING_DATA_DIR: path.join(dir, 'data') };
      const dry = await cli([...common, '--dry-run', at('mixed.csv')], db);
      const real = await cli([...common, at('mixed.csv')], db);
      const summary = (r: Run) => lines(r.stdout).find((l) => l.startsWith(`${at('mixed.csv')}: `));
      expect(summary(dry)).toBe(
        `${at('mixed.csv')}: asterisk-csv, utf8: accepted 3, duplicate 0, conflict 0, rejected 2, skipped 2`,
      );
      expect(summary(real)).toBe(summary(dry));
      expect([dry.code, real.code]).toEqual([2, 2]);
      const problems = (r: Run) =>
        lines(r.stdout)
          .filter((l) => /:\d+: (rejected|skipped|conflict):/.test(l))
          .sort();
      expect(problems(real)).toEqual(problems(dry));
      expect(problems(dry)).toContain(`${at('mixed.csv')}:3: rejected: customer_account: missing`);
      expect(lastLine(real.stdout)).not.toContain('dry run');

      // Again, with a gzipped file after it: everything is a duplicate now, and the summary still comes.
      const again = await cli([...common, at('mixed.csv'), at('Master.csv.gz')], db);
      expect(again.code).toBe(1);
      expect(lastLine(again.stdout)).toBe(
        'total: 2 file(s), 1 not imported, 0 empty: accepted 0, duplicate 3, conflict 0, rejected 2, skipped 2',
      );
      noStackTrace(again);
    },
    SLOW,
  );
});

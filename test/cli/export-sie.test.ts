/**
 * `billing export sie` as a clerk runs it, a real child process on an embedded database: the month
 * is checked before anything opens, a bad BILLING_BOOKKEEPING_FILE stops it naming the field, and a
 * migrated database exports a SIE 4 file the parser reads back (no documents yet: no vouchers).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSie } from '../support/sie-parser';

const BIN = path.join(import.meta.dirname, '../../bin/billing.mjs');

let dir: string;
/** Runs the command without blocking the test worker (each start of the embedded database takes seconds). */
function billing(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd: dir,
        encoding: 'utf8',
        env: {
          ...process.env,
          DATABASE_URL: '',
          BILLING_DATA_DIR: path.join(dir, 'data'),
          BILLING_LOG_LEVEL: 'error',
          ...env,
        },
      },
      (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'export-sie-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('billing export sie', () => {
  it('refuses a period that is not a month, with the reason and no stack trace', async () => {
    const run = await billing(['export', 'sie', '--period', '2026-13']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('--period must be a month as YYYY-MM, got "2026-13"');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('writes the month as a SIE 4 file, and stops at a bad accounts file naming the field', async () => {
    // A new embedded database starts migrated; the export itself never migrates (it only reads).
    const out = path.join(dir, 'november.si');
    const run = await billing(['export', 'sie', '--period', '2026-11', '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`wrote ${out}: 0 voucher(s)`);
    const sie = parseSie(fs.readFileSync(out));
    expect(sie.head.get('#SIETYP')).toEqual(['4']);
    expect(sie.head.get('#FORMAT')).toEqual(['PC8']);
    expect(sie.vouchers).toEqual([]);

    const accounts = path.join(dir, 'accounts.json');
    fs.writeFileSync(accounts, JSON.stringify({ accounts: { receivables: '15100' } }));
    const bad = await billing(['export', 'sie', '--period', '2026-11'], {
      BILLING_BOOKKEEPING_FILE: accounts,
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('"accounts.receivables" must be a 4-digit account number');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  }, 180_000);
});

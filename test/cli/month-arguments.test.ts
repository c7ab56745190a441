/**
 * The month and seconds options of the reporting commands are checked before anything is opened:
 * a mistyped value ends the command with the reason and exit code 1, not a stack trace.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = path.join(import.meta.dirname, '../../bin/billing.mjs');

function billing(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env } });
}

describe('month and seconds options', () => {
  it.each([
    ['reconcile', '2026-13'],
    ['mailing-list', '26-11'],
  ])('%s --period %s is refused with the reason', (command, period) => {
    const run = billing(command, '--period', period);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`--period must be a month as YYYY-MM, got "${period}"`);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('reconcile --threshold must be a whole number of seconds', () => {
    const run = billing('reconcile', '--period', '2026-11', '--threshold', '1.5');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('must be a whole number of seconds');
  });
});

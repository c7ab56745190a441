/**
 * The fault report: every fault test records one row per fault it injected (what, how often,
 * records sent / stored / missing / duplicated, the invariants it checked), and
 * `npm run test:faults` prints them as one table after the run (test/faults/print-report.ts).
 * Rows are appended as JSON lines, so test files running in parallel forks never overwrite each other.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface FaultRow {
  /** The fault, in words: "PostgreSQL restart (fast) while 2 bridges stream". */
  fault: string;
  /** The database it ran on: "postgresql" or "embedded". */
  database: string;
  /** How many times the fault was injected in this run. */
  injected: number;
  sent: number;
  stored: number;
  missing: number;
  duplicated: number;
  /** Each invariant checked after the fault, in words; all held, or the test failed. */
  invariants: string[];
}

export const FAULT_REPORT = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '../../../.tmp/fault-report.jsonl',
);

export function recordFault(row: FaultRow): void {
  fs.mkdirSync(path.dirname(FAULT_REPORT), { recursive: true });
  fs.appendFileSync(FAULT_REPORT, `${JSON.stringify({ ...row, at: new Date().toISOString() })}\n`);
}

export function readFaultReport(): FaultRow[] {
  if (!fs.existsSync(FAULT_REPORT)) return [];
  return fs
    .readFileSync(FAULT_REPORT, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as FaultRow);
}

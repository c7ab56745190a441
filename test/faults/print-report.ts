/**
 * Prints the fault report the last `npm run test:faults` wrote: one row per fault, then totals.
 * Zero missing and zero duplicated in every row is the promise; the tests fail otherwise.
 */
import { readFaultReport } from './support/fault-report';

const rows = readFaultReport();
if (!rows.length) {
  console.log('no fault report: run npm run test:faults');
  process.exit(1);
}
const header = [
  'fault',
  'database',
  'injected',
  'sent',
  'stored',
  'missing',
  'duplicated',
  'invariants checked',
];
const table = rows.map((r) =>
  [r.fault, r.database, r.injected, r.sent, r.stored, r.missing, r.duplicated, r.invariants.join('; ')].map(
    String,
  ),
);
console.log(`| ${header.join(' | ')} |`);
console.log(`| ${header.map(() => '---').join(' | ')} |`);
for (const row of table) console.log(`| ${row.join(' | ')} |`);
const sum = (k: 'injected' | 'sent' | 'missing' | 'duplicated') => rows.reduce((n, r) => n + r[k], 0);
console.log(
  `\n${rows.length} faults, injected ${sum('injected')} times; ${sum('sent')} records sent, ${sum('missing')} missing, ${sum('duplicated')} duplicated`,
);

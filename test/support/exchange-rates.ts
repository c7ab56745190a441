/**
 * For services a test runs on the real clock (a process it starts, the CLI, or an in-process service
 * without a FixedClock): the shipped exchange rates plus a rate for yesterday and today in each
 * currency, so an invoice in EUR issued "today" finds a rate whatever day the suite runs on (CI also
 * runs it years ahead). Tests on a pinned clock see the shipped rates unchanged.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const REPO_ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

let written: string | undefined;

export function ratesFileForToday(): string {
  if (written && fs.existsSync(written)) return written;
  const shipped = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'rules/exchange-rates.json'), 'utf8')) as {
    rates: { currency: string; date: string; rate: string; source?: string }[];
  };
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const dates = [day(-1), day(0)];
  const latest = new Map(shipped.rates.map((r) => [r.currency, r.rate]));
  const rates = [
    ...shipped.rates.filter((r) => !dates.includes(r.date)),
    ...[...latest].flatMap(([currency, rate]) =>
      dates.map((date) => ({ currency, date, rate, source: 'test' })),
    ),
  ];
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'billing-rates-')), 'exchange-rates.json');
  fs.writeFileSync(file, JSON.stringify({ ...shipped, rates }));
  return (written = file);
}

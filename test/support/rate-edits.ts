/** Finance's edit of a rate on disk, as the rerate tests make it: the first peak rate of one rate card. */
import fs from 'node:fs';
import path from 'node:path';

/** Writes `rate` as the first peak rate of `card` in `rulesDir`/standard-2026/rates.json. */
export function writePeakRate(rulesDir: string, card: string, rate: string): void {
  const file = path.join(rulesDir, 'standard-2026', 'rates.json');
  const rates = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    rateCards: Record<string, { rates: { peak: { rate: string }[] } }>;
  };
  rates.rateCards[card]!.rates.peak[0]!.rate = rate;
  fs.writeFileSync(file, JSON.stringify(rates, null, 2));
}

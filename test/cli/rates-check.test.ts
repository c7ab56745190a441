import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ratesCheck } from '../../src/cli/rates-command';

function run(file: string) {
  const out: string[] = [];
  const err: string[] = [];
  return ratesCheck(
    file,
    (s) => out.push(s),
    (s) => err.push(s),
  ).then((code) => ({ code, out, err }));
}

describe('billing rates check', () => {
  it('passes on the shipped file, which covers 2025 and 2026 for EUR, USD, NOK and DKK', async () => {
    const { code, out, err } = await run('rules/exchange-rates.json');
    expect(err).toEqual([]);
    expect(code).toBe(0);
    for (const c of ['DKK', 'EUR', 'NOK', 'USD'])
      expect(out).toContainEqual(
        expect.stringMatching(new RegExp(`^ok  ${c}: \\d+ rate\\(s\\) 2025-01-01 \\.\\. 2026-12-29`)),
      );
    expect(out.some((l) => l.includes('gap:'))).toBe(false);
  });

  it('names the file, the path and the reason of each error, and shows gaps', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rates-'));
    try {
      const bad = path.join(dir, 'bad.json');
      fs.writeFileSync(
        bad,
        JSON.stringify({
          accountingCurrency: 'SEK',
          rates: [
            { currency: 'EUR', date: '2026-11-30', rate: '11,02' },
            { currency: 'SEK', date: '2026-11-30', rate: '1' },
            { currency: 'USD', date: '2026-11-31', rate: '10.5' },
            { currency: 'USD', date: '2026-11-31', rate: '10.6' },
          ],
        }),
      );
      const r = await run(bad);
      expect(r.code).toBe(1);
      expect(r.err[0]).toMatch(/bad\.json: \$\.rates\[0\]\.rate: "11,02"/);
      fs.writeFileSync(
        bad,
        JSON.stringify({
          accountingCurrency: 'SEK',
          rates: [
            { currency: 'SEK', date: '2026-11-30', rate: '1' },
            { currency: 'USD', date: '2026-11-31', rate: '10.5' },
            { currency: 'EUR', date: '2026-11-01', rate: '0.0' },
            { currency: 'EUR', date: '2026-11-01', rate: '11' },
          ],
        }),
      );
      const semantic = await run(bad);
      expect(semantic.err).toEqual([
        `${bad}: $.rates[0].currency: SEK is the accounting currency; it needs no rate`,
        `${bad}: $.rates[1].date: 2026-11-31 is not a calendar date`,
        `${bad}: $.rates[2].rate: must be greater than 0`,
        `${bad}: $.rates[3].date: a second rate for EUR on 2026-11-01`,
        expect.stringMatching(/^4 error\(s\) in /),
      ]);
      const gappy = path.join(dir, 'gappy.json');
      fs.writeFileSync(
        gappy,
        JSON.stringify({
          accountingCurrency: 'SEK',
          maxAgeDays: 7,
          rates: [
            { currency: 'EUR', date: '2026-11-01', rate: '11.1' },
            { currency: 'EUR', date: '2026-11-20', rate: '11.2' },
          ],
        }),
      );
      const g = await run(gappy);
      expect(g.code).toBe(0);
      expect(g.out).toContain('    gap: no usable EUR rate for 2026-11-09 .. 2026-11-19');
      expect(await run(path.join(dir, 'missing.json'))).toMatchObject({ code: 1 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

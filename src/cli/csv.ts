import { InvalidArgumentError } from 'commander';

/** CSV output per RFC 4180 (src/app/csv.ts: the gRPC mailing list writes the same). */
export { csvField, csvLine } from '../app/csv';

/** "YYYY-MM" to its month; commander's InvalidArgumentError (an exit with the reason) otherwise. */
export function parseMonth(text: string): { year: number; month: number; key: string } {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(text);
  if (!m) throw new InvalidArgumentError(`--period must be a month as YYYY-MM, got ${JSON.stringify(text)}`);
  return { year: Number(m[1]), month: Number(m[2]), key: text };
}

/** As an option parser: `--period` is checked before the command opens anything. */
export function monthOption(text: string): string {
  parseMonth(text);
  return text;
}

/** A whole number of seconds, for `--threshold`-style options. */
export function secondsOption(text: string): number {
  const seconds = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(seconds))
    throw new InvalidArgumentError('must be a whole number of seconds');
  return seconds;
}

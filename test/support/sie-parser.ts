/**
 * A small SIE 4 reader for tests: decodes code page 437, splits records on CR LF, tokenizes fields
 * (quoted with `"`, `\"` and `\\` escaped; `{...}` object lists as one token) and reads the head
 * records, #KONTO and the #VER blocks with their #TRANS rows. Strict where the writer must be: an
 * unterminated quote, a #TRANS outside a voucher or a bare LF line end is an error.
 */
import iconv from 'iconv-lite';

export interface SieTransaction {
  account: string;
  objects: string;
  amount: string;
}

export interface SieVoucher {
  series: string;
  number: string;
  date: string;
  text: string;
  transactions: SieTransaction[];
}

export interface ParsedSie {
  /** Head records by label (#FLAGGA, #FORMAT, ...): the fields of the first of each. */
  head: Map<string, string[]>;
  /** #KONTO number -> name. */
  accounts: Map<string, string>;
  vouchers: SieVoucher[];
  text: string;
}

export function tokenizeSieLine(line: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= line.length) throw new Error(`unterminated quoted field in ${JSON.stringify(line)}`);
        const d = line[i]!;
        if (d === '\\' && i + 1 < line.length) {
          value += line[i + 1];
          i += 2;
        } else if (d === '"') {
          i++;
          break;
        } else {
          value += d;
          i++;
        }
      }
      tokens.push(value);
    } else if (c === '{') {
      const end = line.indexOf('}', i);
      if (end < 0) throw new Error(`unterminated object list in ${JSON.stringify(line)}`);
      tokens.push(line.slice(i, end + 1));
      i = end + 1;
    } else {
      let value = '';
      while (i < line.length && line[i] !== ' ' && line[i] !== '\t') value += line[i++];
      tokens.push(value);
    }
  }
  return tokens;
}

export function parseSie(bytes: Buffer): ParsedSie {
  const text = iconv.decode(bytes, 'cp437');
  if (!text.endsWith('\r\n')) throw new Error('the file does not end with CR LF');
  const lines = text.slice(0, -2).split('\r\n');
  if (lines.some((l) => l.includes('\n') || l.includes('\r'))) throw new Error('a line ends without CR LF');
  const head = new Map<string, string[]>();
  const accounts = new Map<string, string>();
  const vouchers: SieVoucher[] = [];
  let current: SieVoucher | undefined;
  let open = false;
  for (const line of lines) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (trimmed === '{') {
      if (!current || open) throw new Error('"{" without a #VER');
      open = true;
      continue;
    }
    if (trimmed === '}') {
      if (!open) throw new Error('"}" without "{"');
      open = false;
      current = undefined;
      continue;
    }
    const [label, ...fields] = tokenizeSieLine(trimmed);
    if (label === '#VER') {
      current = {
        series: fields[0] ?? '',
        number: fields[1] ?? '',
        date: fields[2] ?? '',
        text: fields[3] ?? '',
        transactions: [],
      };
      vouchers.push(current);
    } else if (label === '#TRANS') {
      if (!current || !open) throw new Error('#TRANS outside a voucher');
      current.transactions.push({ account: fields[0]!, objects: fields[1]!, amount: fields[2]! });
    } else if (label === '#KONTO') {
      accounts.set(fields[0]!, fields[1]!);
    } else if (label) {
      if (!head.has(label)) head.set(label, fields);
    }
  }
  if (open) throw new Error('a voucher is not closed with "}"');
  return { head, accounts, vouchers, text };
}

/** The sum of a voucher's amounts in öre (exact: amounts have 2 decimals). */
export function voucherSumOre(v: SieVoucher): bigint {
  return v.transactions.reduce((s, t) => s + oreOf(t.amount), 0n);
}

export function oreOf(amount: string): bigint {
  if (!/^-?\d+\.\d{2}$/.test(amount)) throw new Error(`not an amount with 2 decimals: ${amount}`);
  return BigInt(amount.replace('.', ''));
}

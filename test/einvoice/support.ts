/**
 * Reading back what the service rendered, without new dependencies: the lines of a UBL document
 * (regular expressions over the XML the service writes) and the lines table of an invoice PDF (its
 * Flate streams inflated with node:zlib and the text of the built-in Helvetica decoded as
 * WinAnsi), so a test can recompute quantity × price / base − allowance = net from the figures a
 * customer actually receives.
 */
import { inflateSync } from 'node:zlib';
import { Decimal } from '../../src/domain/money';

/** quantity × price / base, rounded half-up to the cent, minus the (signed) allowance. */
export function expectedNet(quantity: string, price: string, base: string, allowance: string): Decimal {
  return new Decimal(quantity)
    .times(price)
    .dividedBy(base)
    .toDecimalPlaces(2, Decimal.ROUND_HALF_UP)
    .minus(allowance);
}

export interface UblLine {
  id: string;
  quantity: string;
  unitCode: string;
  net: string;
  price: string;
  base: string;
  /** Sum of the line's allowances (ChargeIndicator false) minus its charges; "0" if none. */
  allowance: string;
  /** SellersItemIdentification/ID: the service writes the line kind there (usage, volume_tier, ...). */
  kind: string;
}

function text(xml: string, element: string): string | undefined {
  return new RegExp(`<${element}\\b[^>]*>([^<]*)</${element}>`).exec(xml)?.[1];
}

function required(xml: string, element: string, where: string): string {
  const v = text(xml, element);
  if (v === undefined) throw new Error(`${where}: no <${element}>`);
  return v;
}

/** The lines of a UBL Invoice or CreditNote. */
export function ublLines(xml: string): UblLine[] {
  const lines: UblLine[] = [];
  for (const m of xml.matchAll(
    /<cac:(?:InvoiceLine|CreditNoteLine)>([\s\S]*?)<\/cac:(?:InvoiceLine|CreditNoteLine)>/g,
  )) {
    const body = m[1]!;
    const id = required(body, 'cbc:ID', 'line');
    const where = `line ${id}`;
    const q = /<cbc:(?:InvoicedQuantity|CreditedQuantity) unitCode="([^"]+)">([^<]*)</.exec(body);
    if (!q) throw new Error(`${where}: no quantity`);
    let allowance = new Decimal(0);
    for (const a of body.matchAll(/<cac:AllowanceCharge>([\s\S]*?)<\/cac:AllowanceCharge>/g)) {
      const amount = new Decimal(required(a[1]!, 'cbc:Amount', where));
      allowance =
        required(a[1]!, 'cbc:ChargeIndicator', where) === 'false'
          ? allowance.plus(amount)
          : allowance.minus(amount);
    }
    const price = /<cac:Price>([\s\S]*?)<\/cac:Price>/.exec(body)?.[1];
    if (!price) throw new Error(`${where}: no price`);
    lines.push({
      id,
      quantity: q[2]!,
      unitCode: q[1]!,
      net: required(body, 'cbc:LineExtensionAmount', where),
      price: required(price, 'cbc:PriceAmount', where),
      base: text(price, 'cbc:BaseQuantity') ?? '1',
      allowance: allowance.toFixed(),
      kind:
        text(
          /<cac:SellersItemIdentification>([\s\S]*?)<\/cac:SellersItemIdentification>/.exec(body)?.[1] ?? '',
          'cbc:ID',
        ) ?? '',
    });
  }
  return lines;
}

// WinAnsiEncoding bytes 0x80-0x9f that differ from Latin-1 (the rest of 0xa0-0xff is Latin-1).
const WIN_ANSI: Record<number, string> = {
  0x80: '€',
  0x82: '‚',
  0x83: 'ƒ',
  0x84: '„',
  0x85: '…',
  0x86: '†',
  0x87: '‡',
  0x88: 'ˆ',
  0x89: '‰',
  0x8a: 'Š',
  0x8b: '‹',
  0x8c: 'Œ',
  0x8e: 'Ž',
  0x91: '‘',
  0x92: '’',
  0x93: '“',
  0x94: '”',
  0x95: '•',
  0x96: '–',
  0x97: '—',
  0x98: '˜',
  0x99: '™',
  0x9a: 'š',
  0x9b: '›',
  0x9c: 'œ',
  0x9e: 'ž',
  0x9f: 'Ÿ',
};

function decodeHex(hex: string): string {
  let s = '';
  for (let i = 0; i + 1 < hex.length; i += 2) {
    const b = parseInt(hex.slice(i, i + 2), 16);
    s += WIN_ANSI[b] ?? String.fromCharCode(b);
  }
  return s;
}

/** One line of text as drawn: the page (content stream) it is on, where, and what it says. */
export interface PdfText {
  page: number;
  x: number;
  y: number;
  text: string;
}

/**
 * The text of a pdfkit PDF drawn with its built-in fonts, in drawing order: each `BT ... ET` with
 * its `Tm` position and its hex-encoded `TJ` strings (kerning numbers dropped). Content streams are
 * taken in file order, which for pdfkit is page order.
 */
export function pdfTexts(pdf: Buffer): PdfText[] {
  const raw = pdf.toString('latin1');
  const out: PdfText[] = [];
  let page = 0;
  for (const m of raw.matchAll(/<<([^]*?)>>\s*stream\r?\n/g)) {
    const dict = m[1]!;
    const start = m.index + m[0].length;
    const length = /\/Length (\d+)/.exec(dict);
    if (!length) continue;
    const bytes = pdf.subarray(start, start + Number(length[1]));
    let content: string;
    try {
      content = (/\/FlateDecode/.test(dict) ? inflateSync(bytes) : bytes).toString('latin1');
    } catch {
      continue;
    }
    if (!/\bBT\b/.test(content)) continue;
    page += 1;
    for (const bt of content.matchAll(/\bBT\b([\s\S]*?)\bET\b/g)) {
      const tm = /([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+) Tm/.exec(bt[1]!);
      const strings = [...bt[1]!.matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => decodeHex(h[1]!));
      out.push({ page, x: Number(tm?.[5] ?? 0), y: Number(tm?.[6] ?? 0), text: strings.join('') });
    }
  }
  return out;
}

/** A row of the PDF's lines table, as printed. */
export interface PdfLineRow {
  description: string;
  quantity: string;
  unit: string;
  unitPrice: string;
  /** "60" from "per 60 s"; "1" when the price is per unit. */
  base: string;
  /** The allowance amount printed under the description ("...: 10 % of 65.00: -6.50"), signed as the base amount; "0" if none. */
  allowance: string;
  vat: string;
  net: string;
}

const NUMBER = /^-?[\d,]+(?:\.\d+)?$/;
const plain = (s: string) => s.replace(/,/g, '');

/**
 * The rows of the lines table, recognised in drawing order: a row draws its description (one or
 * more lines), quantity, unit (s, min, pcs), unit price (and "per N unit"), VAT rate ("25%") and net.
 */
export function pdfLineRows(pdf: Buffer): PdfLineRow[] {
  const texts = pdfTexts(pdf);
  const rows: PdfLineRow[] = [];
  let descriptionStart = -1;
  for (let i = 0; i < texts.length; i++) {
    const t = texts[i]!.text;
    if (t === 'Net amount') {
      descriptionStart = i + 1; // the table header, on every page
      continue;
    }
    if (descriptionStart < 0 || !['s', 'min', 'pcs'].includes(t)) continue;
    const quantity = texts[i - 1]?.text ?? '';
    const price = texts[i + 1]?.text ?? '';
    if (!NUMBER.test(quantity) || !NUMBER.test(price)) continue;
    let j = i + 2;
    let base = '1';
    const basis = /^per ([\d.]+) (s|min|pcs)$/.exec(texts[j]?.text ?? '');
    if (basis) {
      base = basis[1]!;
      j += 1;
    }
    const vat = texts[j]?.text ?? '';
    const net = texts[j + 1]?.text ?? '';
    if (!/%$/.test(vat) || !NUMBER.test(net)) continue;
    const description = texts
      .slice(descriptionStart, i - 1)
      .map((d) => d.text)
      .join(' ');
    // "...: 10 % of 65.22: -6.52": what the allowance does to the net, so the allowance is its negation.
    const a = /: ([\d.]+) % of (-?[\d,.]+): (-?[\d,.]+)$/.exec(description);
    const allowance = a ? new Decimal(plain(a[3]!)).negated().toFixed() : '0';
    rows.push({
      description,
      quantity: plain(quantity),
      unit: t,
      unitPrice: plain(price),
      base,
      allowance,
      vat,
      net: plain(net),
    });
    descriptionStart = j + 2;
    i = j + 1;
  }
  return rows;
}

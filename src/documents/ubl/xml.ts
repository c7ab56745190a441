/**
 * A tiny XML writer for the UBL documents: a tree of elements, serialized with escaping. No npm XML
 * builder is installed, and the UBL writer needs only elements, attributes and text.
 *
 * Two rules the Peppol validation relies on are enforced here rather than at every call site:
 * - text and attribute values are escaped (&, <, >, ", and CR/TAB/LF in attributes so they survive
 *   attribute-value normalization), and characters XML 1.0 does not allow at all (control
 *   characters other than TAB/LF/CR, lone surrogates, U+FFFE/U+FFFF) are dropped: they cannot be
 *   written even as character references, and a customer name with a stray control character must
 *   not make the invoice unsendable;
 * - an element with no text and no children is left out (PEPPOL-EN16931-R008: no empty elements),
 *   so optional fields can be passed as undefined without a condition around each.
 */

export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  readonly text?: string;
}

export type XmlChild = XmlElement | undefined | false | readonly (XmlElement | undefined | false)[];

// Everything outside XML 1.0's Char production (https://www.w3.org/TR/xml/#charsets).
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Removes the characters XML 1.0 cannot carry. */
export function xmlSafe(value: string): string {
  return value.replace(NOT_XML_CHAR, '');
}

export function escapeText(value: string): string {
  return xmlSafe(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#13;');
}

export function escapeAttribute(value: string): string {
  return escapeText(value).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}

function flatten(children: readonly XmlChild[]): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of children) {
    if (Array.isArray(c)) out.push(...flatten(c));
    else if (c) out.push(c as XmlElement);
  }
  return out;
}

function cleanAttributes(attributes: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(attributes)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}

/** An element with children; undefined when it would be empty. */
export function el(
  name: string,
  attributes: Record<string, string | undefined>,
  ...children: XmlChild[]
): XmlElement | undefined {
  const kids = flatten(children);
  if (kids.length === 0) return undefined;
  return { name, attributes: cleanAttributes(attributes), children: kids };
}

/** An element with text; undefined when the text is absent or blank. */
export function leaf(
  name: string,
  text: string | undefined,
  attributes: Record<string, string | undefined> = {},
): XmlElement | undefined {
  if (text === undefined || xmlSafe(text).trim() === '') return undefined;
  return { name, attributes: cleanAttributes(attributes), children: [], text };
}

/** Like el, but throws when a required element would be empty (a writer bug, not a user error). */
export function required(element: XmlElement | undefined, what: string): XmlElement {
  if (!element) throw new Error(`UBL: required element ${what} is empty`);
  return element;
}

function open(e: XmlElement): string {
  let s = `<${e.name}`;
  for (const [k, v] of Object.entries(e.attributes)) s += ` ${k}="${escapeAttribute(v)}"`;
  return s;
}

function write(e: XmlElement, indent: string, out: string[]): void {
  if (e.text !== undefined) {
    out.push(`${indent}${open(e)}>${escapeText(e.text)}</${e.name}>`);
    return;
  }
  out.push(`${indent}${open(e)}>`);
  for (const c of e.children) write(c, `${indent}  `, out);
  out.push(`${indent}</${e.name}>`);
}

/** The document as UTF-8 XML text, with an XML declaration, two-space indented. */
export function serializeXml(root: XmlElement): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  write(root, '', out);
  return `${out.join('\n')}\n`;
}

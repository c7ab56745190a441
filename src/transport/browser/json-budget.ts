/**
 * A bound on JSON requests before they are parsed. The wire guard works on protobuf bytes; a JSON
 * body would be parsed into objects first (3 bytes of `{},` become one CDR message), so a 4 MB
 * body of empty objects costs hundreds of MB before anything checks it. This scan counts the
 * body's containers and separators without building anything, and refuses a body with more than
 * the largest request INPUT_LIMITS admits for the method could have. What passes is then small
 * enough to parse, and the gRPC server checks every field of it against the same limits.
 */
import type { DescField, DescMessage } from '@bufbuild/protobuf';
import { INPUT_LIMITS } from '../grpc/input-limits/limits';

/** Nesting deeper than this is not followed (the contract has no recursive request messages). */
const MAX_DEPTH = 32;

const budgets = new WeakMap<DescMessage, number>();

/** The most `{`, `[` and `,` a JSON request of this type can hold within INPUT_LIMITS. */
export function jsonBudget(message: DescMessage): number {
  let budget = budgets.get(message);
  if (budget === undefined) {
    budget = messageBudget(message, 0);
    budgets.set(message, budget);
  }
  return budget;
}

function messageBudget(message: DescMessage, depth: number): number {
  if (depth > MAX_DEPTH) return 0;
  // `{`, then one `,` (or the first member) per field.
  let total = 1;
  for (const field of message.fields) total += 1 + fieldBudget(field, depth);
  return total;
}

function fieldBudget(field: DescField, depth: number): number {
  const rule = INPUT_LIMITS[`${field.parent.typeName}.${field.name}`];
  switch (field.fieldKind) {
    case 'message':
      return messageBudget(field.message, depth + 1);
    case 'list': {
      // A list without a declared limit is not in the contract (a test keeps the table complete).
      const items = rule?.kind === 'list' ? rule.maxItems : 0;
      const item = field.listKind === 'message' ? messageBudget(field.message, depth + 1) : 0;
      return 1 + items * (1 + item);
    }
    case 'map': {
      const entries = rule?.kind === 'list' ? rule.maxItems : 0;
      const value = field.mapKind === 'message' ? messageBudget(field.message, depth + 1) : 0;
      return 1 + entries * (1 + value);
    }
    default:
      return 0;
  }
}

/**
 * Counts `{`, `[` and `,` outside strings; true when `bytes` hold no more than `budget`. It does
 * not check that the JSON is well formed: parsing does that, once the body is known to be small.
 */
export function withinJsonBudget(bytes: Uint8Array, budget: number): boolean {
  let count = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === OPEN_BRACE || byte === OPEN_BRACKET || byte === COMMA) {
      if (++count > budget) return false;
    }
  }
  return true;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const COMMA = 0x2c;

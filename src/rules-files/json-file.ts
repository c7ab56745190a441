import type { RuleViolation } from '../domain/rating/types';

/**
 * How deeply a rule file may nest objects and arrays. The shipped files nest 7 deep; the schema
 * check and the semantic checks recurse, so a file nested thousands deep would overflow the stack
 * (a RangeError: INTERNAL for ValidateRuleSet, a reload that throws instead of being refused).
 */
export const MAX_JSON_DEPTH = 64;

type Parsed =
  { ok: true; doc: unknown } | { ok: false; violation: RuleViolation; violations: RuleViolation[] };

/**
 * Parses JSON, reporting the line and column of a syntax error. Also refuses what JSON.parse lets
 * through silently: a key written twice in one object (JSON.parse keeps the last, so a rate card or
 * a prefix a finance editor sees in the file would not be the one that prices) and nesting deeper
 * than MAX_JSON_DEPTH.
 */
export function parseJsonFile(file: string, text: string): Parsed {
  let doc: unknown;
  try {
    doc = JSON.parse(text) as unknown;
  } catch (e) {
    const msg = (e as Error).message;
    const m = /position (\d+)/.exec(msg);
    const where = m ? ` at ${lineColumn(text, Number(m[1]))}` : '';
    return refused([{ file, jsonPath: '$', reason: `not valid JSON${where}: ${msg}` }]);
  }
  const problems = structureProblems(file, text);
  return problems.length ? refused(problems) : { ok: true, doc };
}

function refused(violations: RuleViolation[]): Parsed {
  return { ok: false, violation: violations[0]!, violations };
}

function lineColumn(text: string, pos: number): string {
  const before = text.slice(0, pos).split('\n');
  return `line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
}

function pathStep(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

interface Frame {
  path: string;
  /** An object's keys so far (undefined for an array). */
  keys?: Map<string, number>;
  /** The member being read: an object's last key, an array's index. */
  member: string | number;
  expectKey: boolean;
}

/**
 * Duplicate keys and too deep nesting, for text JSON.parse accepted. Iterative, so it never
 * overflows the stack itself. Stops at the first too deep point (one violation is enough there).
 */
function structureProblems(file: string, text: string): RuleViolation[] {
  const out: RuleViolation[] = [];
  const stack: Frame[] = [];
  const here = () => {
    const top = stack[stack.length - 1];
    return top ? pathStep(top.path, top.member) : '$';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let j = i + 1;
      while (text.charCodeAt(j) !== 0x22) j += text.charCodeAt(j) === 0x5c /* \ */ ? 2 : 1;
      const top = stack[stack.length - 1];
      if (top?.keys && top.expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        const first = top.keys.get(key);
        if (first !== undefined)
          out.push({
            file,
            jsonPath: pathStep(top.path, key),
            reason: `key ${JSON.stringify(key)} appears twice in one object (${lineColumn(text, first)} and ${lineColumn(text, i)}); only the last would count, so the file is refused`,
          });
        else top.keys.set(key, i);
        top.member = key;
        top.expectKey = false;
      }
      i = j;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const path = here();
      if (stack.length >= MAX_JSON_DEPTH) {
        out.push({
          file,
          jsonPath: path,
          reason: `nested more than ${MAX_JSON_DEPTH} levels deep (${lineColumn(text, i)}); rule files need far fewer`,
        });
        return out;
      }
      stack.push(
        c === 0x7b
          ? { path, keys: new Map(), member: '', expectKey: true }
          : { path, member: 0, expectKey: false },
      );
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top?.keys) top.expectKey = true;
      else if (top) top.member = (top.member as number) + 1;
    }
  }
  return out;
}

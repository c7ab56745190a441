/**
 * Reads rule sets from disk: JSON Schema (ajv) first, then the domain's semantic checks, then compile.
 * A rules directory holds one rule set per subdirectory (a directory with ruleset.json), or is one
 * itself. `schema/` and `cases/` are not rule sets.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir, stat, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import { buildRuleBook } from '../domain/rating/book.js';
import { validateRuleSet } from '../domain/rating/validate.js';
import { closest } from '../domain/rating/facts.js';
import type { RuleBook } from '../domain/rating/ruleset.js';
import type { RuleSetSource, RuleViolation } from '../domain/rating/types.js';
import { SCHEMAS } from './schemas.js';

export type { RuleViolation };
export type LoadResult =
  | { ok: true; book: RuleBook; files: { path: string; sha256: string }[] }
  | { ok: false; violations: RuleViolation[] };

const Ajv = (AjvModule as unknown as { default?: typeof AjvModule }).default ?? AjvModule;
const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
const validators = new Map<string, ValidateFunction>();
export function schemaValidator(name: keyof typeof SCHEMAS): ValidateFunction {
  let v = validators.get(name);
  if (!v) validators.set(name, (v = ajv.compile(SCHEMAS[name] as object)));
  return v;
}

const PARTS = ['ruleset', 'destinations', 'rates', 'calendar'] as const;

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** "/rules/3/conditions/all/0/fact" -> "$.rules[3].conditions.all[0].fact" */
export function toJsonPath(pointer: string): string {
  let out = '$';
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(seg)) out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(seg)) out += `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

function valueAt(doc: unknown, pointer: string): unknown {
  let cur: any = doc;
  for (const raw of pointer.split('/').slice(1)) cur = cur?.[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  return cur;
}

/** Ajv errors as violations, in words, without the noise of if/then branches. */
export function schemaViolations(
  file: string,
  doc: unknown,
  errors: ErrorObject[] | null | undefined,
): RuleViolation[] {
  const out: RuleViolation[] = [];
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    if (e.keyword === 'if') continue;
    let jsonPath = toJsonPath(e.instancePath);
    let reason = e.message ?? 'invalid';
    const value = valueAt(doc, e.instancePath);
    if (e.keyword === 'additionalProperties') {
      const prop = (e.params as { additionalProperty: string }).additionalProperty;
      jsonPath = toJsonPath(`${e.instancePath}/${prop}`);
      const allowed = Object.keys(((e.parentSchema as any)?.properties ?? {}) as object);
      const hint = closest(prop, allowed);
      reason = `unknown property ${JSON.stringify(prop)}${hint ? ` (did you mean "${hint}"?)` : ''}`;
    } else if (e.keyword === 'required') {
      const prop = (e.params as { missingProperty: string }).missingProperty;
      jsonPath = toJsonPath(`${e.instancePath}/${prop}`);
      reason = `missing required property ${JSON.stringify(prop)}`;
    } else if (e.keyword === 'enum') {
      const allowed = (e.params as { allowedValues: string[] }).allowedValues;
      const what = e.instancePath.endsWith('/fact')
        ? 'unknown fact'
        : e.instancePath.endsWith('/operator')
          ? 'unknown operator'
          : 'not allowed:';
      const hint = typeof value === 'string' ? closest(value, allowed.map(String)) : undefined;
      reason = `${what} ${JSON.stringify(value)}${hint ? ` (did you mean "${hint}"?)` : ''}; allowed: ${allowed.join(', ')}`;
    } else if (
      e.keyword === 'pattern' ||
      e.keyword === 'type' ||
      e.keyword === 'minimum' ||
      e.keyword === 'maximum'
    ) {
      reason = `${JSON.stringify(value)}: ${reason}`;
    } else if (e.keyword === 'propertyNames') {
      continue; // reported by the "pattern" error on the name itself
    }
    if (e.keyword === 'pattern' && e.propertyName !== undefined) {
      jsonPath = toJsonPath(`${e.instancePath}/${e.propertyName}`);
      reason = `bad name ${JSON.stringify(e.propertyName)}: ${e.message}`;
    }
    const key = `${jsonPath}|${reason}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ file, jsonPath, reason });
  }
  return out;
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/** Directories under `dir` that hold a rule set (or `dir` itself). */
export async function findRuleSetDirs(dir: string): Promise<string[]> {
  if (await exists(path.join(dir, 'ruleset.json'))) return [dir];
  const entries = await readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (!e.isDirectory() || e.name === 'schema' || e.name === 'cases' || e.name.startsWith('.')) continue;
    if (await exists(path.join(dir, e.name, 'ruleset.json'))) out.push(path.join(dir, e.name));
  }
  return out;
}

/** Parses JSON, reporting the line and column of a syntax error. */
export function parseJsonFile(
  file: string,
  text: string,
): { ok: true; doc: unknown } | { ok: false; violation: RuleViolation } {
  try {
    return { ok: true, doc: JSON.parse(text) };
  } catch (e) {
    const msg = (e as Error).message;
    const m = /position (\d+)/.exec(msg);
    let where = '';
    if (m) {
      const pos = Number(m[1]);
      const before = text.slice(0, pos).split('\n');
      where = ` at line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
    }
    return { ok: false, violation: { file, jsonPath: '$', reason: `not valid JSON${where}: ${msg}` } };
  }
}

export async function readRuleSetSource(
  root: string,
  setDir: string,
): Promise<
  | { ok: true; source: RuleSetSource; files: { path: string; sha256: string }[] }
  | { ok: false; violations: RuleViolation[] }
> {
  const violations: RuleViolation[] = [];
  const docs: Record<string, unknown> = {};
  const files: { path: string; sha256: string }[] = [];
  const names = {} as RuleSetSource['files'];
  for (const part of PARTS) {
    const abs = path.join(setDir, `${part}.json`);
    const rel = path.relative(root, abs) || `${part}.json`;
    names[part] = rel;
    let text: string;
    try {
      text = await readFile(abs, 'utf8');
    } catch {
      violations.push({
        file: rel,
        jsonPath: '$',
        reason: `missing file (a rule set has ${PARTS.map((p) => p + '.json').join(', ')})`,
      });
      continue;
    }
    files.push({ path: rel, sha256: sha256(text) });
    const parsed = parseJsonFile(rel, text);
    if (!parsed.ok) {
      violations.push(parsed.violation);
      continue;
    }
    const validate = schemaValidator(`${part}.schema.json`);
    if (!validate(parsed.doc)) violations.push(...schemaViolations(rel, parsed.doc, validate.errors));
    docs[part] = parsed.doc;
  }
  const hash = sha256(files.map((f) => `${path.basename(f.path)}\u0000${f.sha256}\n`).join(''));
  if (violations.length) {
    // the files parsed but break the schema: still report the semantic problems we can find, all at once
    if (PARTS.every((p) => docs[p] !== undefined && typeof docs[p] === 'object')) {
      try {
        const more = validateRuleSet({ files: names, hash, ...(docs as any) });
        const reported = new Set(violations.map((v) => `${v.file}|${v.jsonPath}`));
        for (const v of more) {
          const k = `${v.file}|${v.jsonPath}`;
          if (![...reported].some((r) => k.startsWith(r) || r.startsWith(k))) violations.push(v);
        }
      } catch {
        /* the structure is too broken for the semantic checks; the schema errors say why */
      }
    }
    return { ok: false, violations };
  }
  return {
    ok: true,
    files,
    source: {
      files: names,
      ruleset: docs.ruleset as RuleSetSource['ruleset'],
      destinations: docs.destinations as RuleSetSource['destinations'],
      rates: docs.rates as RuleSetSource['rates'],
      calendar: docs.calendar as RuleSetSource['calendar'],
      hash,
    },
  };
}

/** Reads, checks and compiles every rule set under `dir`. Never throws for bad content. */
export async function loadRuleBook(dir: string): Promise<LoadResult> {
  let dirs: string[];
  try {
    dirs = await findRuleSetDirs(dir);
  } catch (e) {
    return {
      ok: false,
      violations: [
        { file: dir, jsonPath: '$', reason: `cannot read rules directory: ${(e as Error).message}` },
      ],
    };
  }
  const violations: RuleViolation[] = [];
  const sources: RuleSetSource[] = [];
  const files: { path: string; sha256: string }[] = [];
  for (const d of dirs) {
    const r = await readRuleSetSource(dir, d);
    if (!r.ok) violations.push(...r.violations);
    else {
      sources.push(r.source);
      files.push(...r.files);
    }
  }
  if (dirs.length === 0)
    violations.push({
      file: dir,
      jsonPath: '$',
      reason: 'no rule set found (a rule set is a directory with ruleset.json)',
    });
  if (violations.length) return { ok: false, violations };
  const built = buildRuleBook(sources);
  if (!built.ok) return built;
  return { ok: true, book: built.book, files };
}

/** Writes the JSON Schemas for editors into `dir` (rules/schema). */
export async function writeSchemaFiles(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, schema] of Object.entries(SCHEMAS))
    await writeFile(path.join(dir, name), JSON.stringify(schema, null, 2) + '\n');
}

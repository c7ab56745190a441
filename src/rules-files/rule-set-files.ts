/**
 * A rule set's four files, wherever their text came from (a rules directory, or a candidate sent
 * by finance): JSON Schema (ajv) first, then the domain's semantic checks, then compile.
 */
import path from 'node:path';
import type { RuleBookLoad } from '../app/rating/ports';
import { buildRuleBook } from '../domain/rating/book';
import {
  RULE_SET_PARTS,
  type RuleSetPart,
  type RuleSetSource,
  type RuleViolation,
} from '../domain/rating/types';
import { validateRuleSet } from '../domain/rating/validate';
import { sha256 } from './content-hash';
import { parseJsonFile } from './json-file';
import { schemaValidator, schemaViolations } from './schema-violations';

/** Each part's file name as reported (relative to the rules directory), and its text (undefined: missing). */
export type RuleSetTexts = Record<RuleSetPart, { path: string; text: string | undefined }>;

export type RuleSetRead =
  | { ok: true; source: RuleSetSource; files: { path: string; sha256: string }[] }
  | { ok: false; violations: RuleViolation[] };

/** The directories of a rules tree that are never rule sets. */
export function mayHoldRuleSet(name: string): boolean {
  return name !== 'schema' && name !== 'cases' && !name.startsWith('.');
}

export function parseRuleSetFiles(texts: RuleSetTexts): RuleSetRead {
  const violations: RuleViolation[] = [];
  const docs: Partial<Record<RuleSetPart, unknown>> = {};
  const files: { path: string; sha256: string }[] = [];
  const names = {} as RuleSetSource['files'];
  for (const part of RULE_SET_PARTS) {
    const { path: rel, text } = texts[part];
    names[part] = rel;
    if (text === undefined) {
      violations.push({
        file: rel,
        jsonPath: '$',
        reason: `missing file (a rule set has ${RULE_SET_PARTS.map((p) => p + '.json').join(', ')})`,
      });
      continue;
    }
    files.push({ path: rel, sha256: sha256(text) });
    const parsed = parseJsonFile(rel, text);
    if (!parsed.ok) {
      violations.push(...parsed.violations);
      continue;
    }
    const validate = schemaValidator(`${part}.schema.json`);
    try {
      if (!validate(parsed.doc)) violations.push(...schemaViolations(rel, parsed.doc, validate.errors));
    } catch (e) {
      // parseJsonFile bounds the nesting, so this is a last resort: refuse the file, never throw
      violations.push({
        file: rel,
        jsonPath: '$',
        reason: `cannot check against the schema: ${(e as Error).message}`,
      });
      continue;
    }
    docs[part] = parsed.doc;
  }
  const hash = sha256(files.map((f) => `${path.basename(f.path)}\u0000${f.sha256}\n`).join(''));
  // Only the schema vouches for these shapes; until it has, they are what the semantic checks may try.
  const source = { files: names, hash, ...docs } as RuleSetSource;
  if (violations.length) {
    // the files parsed but break the schema: still report the semantic problems we can find, all at once
    if (RULE_SET_PARTS.every((p) => docs[p] !== undefined && typeof docs[p] === 'object')) {
      try {
        const more = validateRuleSet(source);
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
  return { ok: true, files, source };
}

/** The rule book of every rule set read, or every violation found in any of them. */
export function ruleBookOf(reads: RuleSetRead[], where: string): RuleBookLoad {
  const violations: RuleViolation[] = [];
  const sources: RuleSetSource[] = [];
  const files: { path: string; sha256: string }[] = [];
  for (const r of reads) {
    if (!r.ok) violations.push(...r.violations);
    else {
      sources.push(r.source);
      files.push(...r.files);
    }
  }
  if (reads.length === 0)
    violations.push({
      file: where,
      jsonPath: '$',
      reason: 'no rule set found (a rule set is a directory with ruleset.json)',
    });
  violations.push(...versionReuse(sources));
  if (violations.length) return { ok: false, violations };
  let built: ReturnType<typeof buildRuleBook>;
  try {
    built = buildRuleBook(sources);
  } catch (e) {
    // a bad file is refused, never thrown: the last good rule book keeps pricing
    return {
      ok: false,
      violations: [
        { file: where, jsonPath: '$', reason: `cannot check the rule sets: ${(e as Error).message}` },
      ],
    };
  }
  if (!built.ok) return built;
  return { ok: true, book: built.book, files };
}

/**
 * Two rule sets of one book with the same name and version but other content: a charge's explanation,
 * the invoice and the rule-set history name a set by name and version, so the label would stand for
 * two different price lists (a copied directory whose effectiveFrom was changed, say).
 */
function versionReuse(sources: RuleSetSource[]): RuleViolation[] {
  const out: RuleViolation[] = [];
  const seen = new Map<string, RuleSetSource>();
  for (const src of sources) {
    const { name, version } = src.ruleset;
    if (typeof name !== 'string' || typeof version !== 'string') continue;
    const key = `${name}\u0000${version}`;
    const other = seen.get(key);
    if (other && other.hash !== src.hash)
      out.push({
        file: src.files.ruleset,
        jsonPath: '$.version',
        reason: `same name and version (${name} ${version}) as ${other.files.ruleset}, with other content: charges and their explanations name a rule set by name and version, so give this one its own version`,
      });
    else if (!other) seen.set(key, src);
  }
  return out;
}

/** Finance's example cases: a call and the price it must get. `billing rules test` runs them. */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { RuleBook } from '../domain/rating/rule-book';
import type { AccessType, Cdr, Feature } from '../domain/cdr';
import type { PricingContext, RatingOutcome, RuleViolation } from '../domain/rating/types';
import { formatAmount, parseAmount } from '../domain/money';
import { parseJsonFile } from './json-file';
import { schemaValidator, schemaViolations } from './schema-violations';

export interface CaseFile {
  description: string;
  cdr: {
    accessType: AccessType;
    customerAccount?: string;
    calledNumber?: string;
    callerNumber?: string;
    startTime: string;
    answerTime?: string;
    endTime?: string;
    durationSeconds: number;
    features?: Feature[];
    conferenceId?: string;
    bookingId?: string;
  };
  context?: PricingContext | Omit<PricingContext, 'customerAccount'>;
  expect: {
    amount?: string;
    currency?: string;
    ruleSetVersion?: string;
    firedRules?: string[];
    rated?: boolean;
    reasonContains?: string;
  };
}

export interface CaseResult {
  file: string;
  description: string;
  ok: boolean;
  /** Each difference as "field: expected X, got Y". */
  differences: string[];
  outcome: RatingOutcome;
}

/** Case files: `<dir>/cases/*.json` and `<dir>/<set>/cases/*.json`. */
export async function findCaseFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const scan = async (d: string) => {
    try {
      for (const f of (await readdir(d)).sort()) if (f.endsWith('.json')) out.push(path.join(d, f));
    } catch {
      /* no cases here */
    }
  };
  await scan(path.join(dir, 'cases'));
  try {
    for (const e of await readdir(dir, { withFileTypes: true }))
      if (e.isDirectory() && e.name !== 'cases' && e.name !== 'schema')
        await scan(path.join(dir, e.name, 'cases'));
  } catch {
    /* ignore */
  }
  return out;
}

export async function loadCases(
  dir: string,
): Promise<{ cases: { file: string; case: CaseFile }[]; violations: RuleViolation[] }> {
  const cases: { file: string; case: CaseFile }[] = [];
  const violations: RuleViolation[] = [];
  const validate = schemaValidator('case.schema.json');
  for (const abs of await findCaseFiles(dir)) {
    const rel = path.relative(dir, abs);
    const parsed = parseJsonFile(rel, await readFile(abs, 'utf8'));
    if (!parsed.ok) {
      violations.push(...parsed.violations);
      continue;
    }
    if (!validate(parsed.doc)) {
      violations.push(...schemaViolations(rel, parsed.doc, validate.errors));
      continue;
    }
    const c = parsed.doc as CaseFile;
    for (const k of ['startTime', 'answerTime', 'endTime'] as const) {
      if (c.cdr[k] !== undefined && Number.isNaN(Date.parse(c.cdr[k])))
        violations.push({ file: rel, jsonPath: `$.cdr.${k}`, reason: `not an ISO 8601 time: ${c.cdr[k]}` });
    }
    cases.push({ file: rel, case: c });
  }
  return { cases, violations };
}

export function caseToCdr(c: CaseFile, file: string): { cdr: Cdr; ctx: PricingContext } {
  const start = new Date(c.cdr.startTime);
  const account =
    c.cdr.customerAccount ?? (c.context as PricingContext | undefined)?.customerAccount ?? 'CASE';
  const cdr: Cdr = {
    bridgeId: 'case',
    recordId: file,
    conferenceId: c.cdr.conferenceId ?? 'case',
    bookingId: c.cdr.bookingId,
    customerAccount: account,
    accessType: c.cdr.accessType,
    calledNumber: c.cdr.calledNumber,
    callerNumber: c.cdr.callerNumber,
    startTime: start,
    answerTime: c.cdr.answerTime ? new Date(c.cdr.answerTime) : undefined,
    endTime: c.cdr.endTime
      ? new Date(c.cdr.endTime)
      : new Date(start.getTime() + c.cdr.durationSeconds * 1000),
    durationSeconds: c.cdr.durationSeconds,
    features: c.cdr.features ?? [],
  };
  return { cdr, ctx: { ...(c.context ?? {}), customerAccount: account } };
}

export function runCase(book: RuleBook, file: string, c: CaseFile): CaseResult {
  const { cdr, ctx } = caseToCdr(c, file);
  const o = book.rate(cdr, ctx);
  const diff: string[] = [];
  const e = c.expect;
  const wantRated = e.rated ?? (e.amount !== undefined ? true : undefined);
  if (wantRated !== undefined && o.rated !== wantRated)
    diff.push(`rated: expected ${wantRated}, got ${o.rated}${o.rated ? '' : ` (${o.reason})`}`);
  if (o.rated) {
    if (e.amount !== undefined && o.amount !== e.amount)
      diff.push(
        `amount: expected ${e.amount}, got ${o.amount} (difference ${diffAmount(o.amount, e.amount)}); ${o.explanation.summary}`,
      );
    if (e.currency !== undefined && o.currency !== e.currency)
      diff.push(`currency: expected ${e.currency}, got ${o.currency}`);
    if (e.ruleSetVersion !== undefined && o.ruleSetVersion !== e.ruleSetVersion)
      diff.push(`ruleSetVersion: expected ${e.ruleSetVersion}, got ${o.ruleSetVersion}`);
    if (e.firedRules !== undefined && JSON.stringify(o.firedRules) !== JSON.stringify(e.firedRules))
      diff.push(`firedRules: expected ${JSON.stringify(e.firedRules)}, got ${JSON.stringify(o.firedRules)}`);
  } else if (e.reasonContains !== undefined && !o.reason.includes(e.reasonContains)) {
    diff.push(
      `reason: expected to contain ${JSON.stringify(e.reasonContains)}, got ${JSON.stringify(o.reason)}`,
    );
  }
  return { file, description: c.description, ok: diff.length === 0, differences: diff, outcome: o };
}

function diffAmount(got: string, want: string): string {
  const d = parseAmount(got).minus(parseAmount(want));
  return (d.isPositive() && !d.isZero() ? '+' : '') + formatAmount(d);
}

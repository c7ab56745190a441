/**
 * Offline validation of UBL documents the way a Peppol access point does it: the UBL 2.1 XSD
 * (xmllint), then the EN 16931 (CEN) and the Peppol BIS 3.0 Schematron rules, compiled to XSLT 2.0,
 * with Saxon-HE. The official artifacts live outside the project, in ../shared/einvoice (see its
 * README); EINVOICE_ARTIFACTS points elsewhere.
 *
 * Cost: compiling a stylesheet takes seconds, so a whole batch of documents goes through ONE JVM per
 * stylesheet (Saxon's `-s:` takes a directory). Validate everything a test file needs in one call.
 *
 * Availability: when the artifacts are absent (a checkout without ../shared), tests skip with a note;
 * when they are present but java, Saxon or xmllint are not, that is a broken CI image and tests fail.
 */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const EINVOICE_DIR = process.env.EINVOICE_ARTIFACTS
  ? path.resolve(process.env.EINVOICE_ARTIFACTS)
  : path.resolve(PROJECT_ROOT, '../shared/einvoice');
const SAXON_JAR = process.env.SAXON_JAR ?? '/usr/share/java/Saxon-HE.jar';
const RULES = path.join(EINVOICE_DIR, 'peppol-bis-3/2026.5');
const STYLESHEETS = {
  cen: path.join(RULES, 'CEN-EN16931-UBL.xslt'),
  peppol: path.join(RULES, 'PEPPOL-EN16931-UBL.xslt'),
} as const;
const SCHEMAS = {
  Invoice: path.join(EINVOICE_DIR, 'ubl-2.1/maindoc/Invoice-with-signature.xsd'),
  CreditNote: path.join(EINVOICE_DIR, 'ubl-2.1/maindoc/CreditNote-with-signature.xsd'),
} as const;

/**
 * The environment for the validators: without faketime's LD_PRELOAD (CI runs one pass with the clock
 * moved) because a JVM under libfaketime can stall on its own timers; the dates do not matter here.
 */
function toolEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k === 'LD_PRELOAD' || k.startsWith('FAKETIME')) delete env[k];
  return env;
}

export type EinvoiceEnvironment =
  { status: 'ready' } | { status: 'absent'; message: string } | { status: 'broken'; message: string };

function works(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore', env: toolEnv(), timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

let cached: EinvoiceEnvironment | undefined;

/** Whether documents can be validated here; see the module comment for absent vs broken. */
export function einvoiceEnvironment(): EinvoiceEnvironment {
  if (cached) return cached;
  const files = [...Object.values(STYLESHEETS), ...Object.values(SCHEMAS)];
  if (!files.every((f) => fs.existsSync(f))) {
    cached = {
      status: 'absent',
      message: `e-invoice validation skipped: the official artifacts are not at ${EINVOICE_DIR} (set EINVOICE_ARTIFACTS)`,
    };
    return cached;
  }
  const missing = [
    works('java', ['-version']) ? undefined : 'java (apt-get install default-jre-headless)',
    fs.existsSync(SAXON_JAR) ? undefined : `Saxon-HE at ${SAXON_JAR} (apt-get install libsaxonhe-java)`,
    works('xmllint', ['--version']) ? undefined : 'xmllint (apt-get install libxml2-utils)',
  ].filter((m): m is string => m !== undefined);
  cached = missing.length
    ? {
        status: 'broken',
        message: `e-invoice artifacts are at ${EINVOICE_DIR} but ${missing.join(', ')} missing`,
      }
    : { status: 'ready' };
  return cached;
}

export interface RuleFailure {
  /** The rule id, e.g. "BR-CO-15" or "PEPPOL-EN16931-R120". */
  id: string;
  text: string;
  location: string;
}

export interface EinvoiceReport {
  /** XSD errors from xmllint, one per message. */
  schemaErrors: string[];
  /** Failed asserts with flag="fatal" from the CEN and Peppol rules. */
  fatal: RuleFailure[];
  /** Failed asserts with flag="warning". */
  warnings: RuleFailure[];
}

function decodeXml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

function attribute(attrs: string, name: string): string {
  return decodeXml(new RegExp(`\\b${name}="([^"]*)"`).exec(attrs)?.[1] ?? '');
}

/** The failed asserts of one SVRL report. */
export function parseSvrl(svrl: string): { fatal: RuleFailure[]; warnings: RuleFailure[] } {
  const fatal: RuleFailure[] = [];
  const warnings: RuleFailure[] = [];
  for (const m of svrl.matchAll(/<svrl:failed-assert\b([^>]*)>([\s\S]*?)<\/svrl:failed-assert>/g)) {
    const attrs = m[1]!;
    const text = decodeXml(/<svrl:text>([\s\S]*?)<\/svrl:text>/.exec(m[2]!)?.[1] ?? '').trim();
    const failure = { id: attribute(attrs, 'id'), text, location: attribute(attrs, 'location') };
    (attribute(attrs, 'flag') === 'warning' ? warnings : fatal).push(failure);
  }
  return { fatal, warnings };
}

async function schemaErrors(kind: keyof typeof SCHEMAS, files: string[]): Promise<Map<string, string[]>> {
  const byFile = new Map<string, string[]>(files.map((f) => [f, []]));
  if (files.length === 0) return byFile;
  const stderr = await run('xmllint', ['--noout', '--schema', SCHEMAS[kind], ...files], {
    env: toolEnv(),
    maxBuffer: 256 * 1024 * 1024,
  }).then(
    (r) => r.stderr,
    (error: Error & { stderr?: string }) => error.stderr ?? error.message,
  );
  for (const line of stderr.split('\n')) {
    if (!line.trim() || / validates$/.test(line)) continue;
    const file = files.find((f) => line.startsWith(`${f}:`) || line.startsWith(`${f} `));
    if (file && / fails to validate$/.test(line)) continue;
    const list = file ? byFile.get(file)! : undefined;
    if (list) list.push(line.slice(file!.length + 1).trim());
    else for (const l of byFile.values()) l.push(line.trim()); // not attributable: fail every document
  }
  return byFile;
}

async function transformDirectory(stylesheet: string, input: string, output: string): Promise<void> {
  fs.mkdirSync(output, { recursive: true });
  await run(
    'java',
    ['-cp', SAXON_JAR, 'net.sf.saxon.Transform', `-s:${input}`, `-o:${output}`, `-xsl:${stylesheet}`],
    { env: toolEnv(), maxBuffer: 64 * 1024 * 1024 },
  );
}

/**
 * Validates documents by name: XSD + CEN + Peppol, one xmllint per root element and one JVM per
 * stylesheet for the whole batch (the two JVMs run side by side).
 */
export async function validateEinvoices(
  documents: Record<string, string>,
): Promise<Record<string, EinvoiceReport>> {
  const env = einvoiceEnvironment();
  if (env.status !== 'ready') throw new Error(env.message);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'einvoice-'));
  try {
    const input = path.join(dir, 'in');
    fs.mkdirSync(input);
    const files = new Map<string, string>();
    const kinds: Record<keyof typeof SCHEMAS, string[]> = { Invoice: [], CreditNote: [] };
    Object.entries(documents).forEach(([name, xml], i) => {
      const file = path.join(input, `${String(i).padStart(5, '0')}.xml`);
      fs.writeFileSync(file, xml);
      files.set(name, file);
      kinds[/<CreditNote[\s>]/.test(xml) ? 'CreditNote' : 'Invoice'].push(file);
    });
    const [invoiceXsd, creditXsd] = await Promise.all([
      schemaErrors('Invoice', kinds.Invoice),
      schemaErrors('CreditNote', kinds.CreditNote),
      transformDirectory(STYLESHEETS.cen, input, path.join(dir, 'cen')),
      transformDirectory(STYLESHEETS.peppol, input, path.join(dir, 'peppol')),
    ]);
    const reports: Record<string, EinvoiceReport> = {};
    for (const [name, file] of files) {
      const report: EinvoiceReport = {
        schemaErrors: invoiceXsd.get(file) ?? creditXsd.get(file) ?? [],
        fatal: [],
        warnings: [],
      };
      for (const rules of ['cen', 'peppol']) {
        const svrlFile = path.join(dir, rules, path.basename(file));
        if (!fs.existsSync(svrlFile)) throw new Error(`no ${rules} report for ${name}`);
        const { fatal, warnings } = parseSvrl(fs.readFileSync(svrlFile, 'utf8'));
        report.fatal.push(...fatal);
        report.warnings.push(...warnings);
      }
      reports[name] = report;
    }
    return reports;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** "BR-CO-15: [BR-CO-15]-..." lines of a report's errors (XSD and fatal), for readable assertions. */
export function errorsOf(report: EinvoiceReport): string[] {
  return [
    ...report.schemaErrors.map((e) => `XSD: ${e}`),
    ...report.fatal.map((f) => `${f.id}: ${f.text} @ ${f.location}`),
  ];
}

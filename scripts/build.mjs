/**
 * Compiles the service to plain JavaScript in dist/ (`npm run build`; run by `npm install` through
 * the prepare script, by vitest before the tests and by `npm start` through prestart).
 *
 * Why esbuild bundling rather than `tsc` emit: the sources import each other without file
 * extensions (moduleResolution "Bundler"), which Node's ESM loader does not resolve, and tsc does
 * not rewrite extensionless specifiers. Bundling our own code (src/ and migrations/) into one module
 * resolves them at build time, while every package in node_modules stays an ordinary import
 * (`packages: 'external'`), so native modules, PGlite's wasm and pdfkit's fonts load from where npm
 * put them. esbuild does no type checking: `npm run typecheck` (tsc) stays the type gate.
 *
 * One file, dist/billing.mjs, with a source map; the gRPC descriptor set is copied to
 * dist/gen/billing.binpb, the same place relative to the code as src/gen is to src/service.ts.
 *
 * esbuild is a devDependency: an install without them (`npm ci --omit=dev` of an already built
 * tree) keeps the dist/ it has instead of failing, so `npm start` still runs there.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Buffer } from 'node:buffer';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Builds dist/ from the sources; `outDir` lets a caller build elsewhere. */
export async function build({ outDir = path.join(ROOT, 'dist'), logLevel = 'warning' } = {}) {
  const esbuild = await loadEsbuild();
  if (!esbuild) {
    if (fs.existsSync(path.join(outDir, 'billing.mjs'))) return outDir;
    throw new Error('esbuild is not installed (a devDependency) and there is no dist/ to run: npm install');
  }
  // Files are overwritten in place, not the directory removed first: a process of a concurrent
  // test run may be starting from it.
  await esbuild.build({
    entryPoints: [path.join(ROOT, 'src/cli/main.ts')],
    outfile: path.join(outDir, 'billing.mjs'),
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    // Class and function names show in logs and stack traces; the bundle must not rename them.
    keepNames: true,
    logLevel,
  });
  fs.mkdirSync(path.join(outDir, 'gen'), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'src/gen/billing.binpb'), path.join(outDir, 'gen/billing.binpb'));
  await ensureEmbeddedTemplate(outDir);
  await buildConsole(outDir, logLevel);
  return outDir;
}

/**
 * The billing console (src/console, a React app) built by Vite into dist/console, which the service
 * serves at BILLING_CONSOLE_ADDR. Skipped when its inputs are unchanged since the last build (a
 * digest of them in dist/console.digest, outside the served directory), so a test run or
 * `npm start` usually pays nothing.
 * Vite is a devDependency: without it the console already built is kept (or there is none, and the
 * service runs without it).
 */
async function buildConsole(outDir, logLevel) {
  const consoleDir = path.join(outDir, 'console');
  const digestFile = path.join(outDir, 'console.digest');
  const digest = consoleDigest();
  try {
    if (fs.readFileSync(digestFile, 'utf8') === digest && fs.existsSync(path.join(consoleDir, 'index.html')))
      return;
  } catch {
    // not built yet
  }
  let vite;
  try {
    vite = await import('vite');
  } catch (error) {
    if (error?.code === 'ERR_MODULE_NOT_FOUND') return;
    throw error;
  }
  await vite.build({
    configFile: path.join(ROOT, 'vite.config.ts'),
    logLevel: logLevel === 'info' ? 'info' : 'warn',
    build: { outDir: consoleDir },
  });
  fs.writeFileSync(`${digestFile}.${process.pid}`, digest);
  fs.renameSync(`${digestFile}.${process.pid}`, digestFile);
}

/** What the console is built from: its sources, the generated client, the role table, the config and lock file. */
function consoleDigest() {
  const hash = crypto.createHash('sha256');
  const inputs = [
    'src/console',
    'src/gen/es',
    'src/auth/roles.ts',
    'src/transport/grpc/access-policy.ts',
    'vite.config.ts',
    'package-lock.json',
  ];
  const add = (relative) => {
    const file = path.join(ROOT, relative);
    if (!fs.existsSync(file)) return;
    if (fs.statSync(file).isDirectory()) {
      for (const entry of fs.readdirSync(file).sort()) add(path.join(relative, entry));
      return;
    }
    hash.update(relative).update(fs.readFileSync(file));
  };
  inputs.forEach(add);
  return hash.digest('hex');
}

/**
 * The template a fresh embedded database starts from (src/persistence/embedded-template.ts): the
 * cluster `billing migrate` leaves in an empty directory, dumped by PGlite. Made again only when the
 * PGlite version or the migrations changed, so a build usually skips it. Optional: when it cannot be
 * made the service runs initdb at first start, as without it, so a failure is a warning only.
 */
async function ensureEmbeddedTemplate(outDir) {
  const tarball = path.join(outDir, 'embedded-template.tar.gz');
  const infoFile = path.join(outDir, 'embedded-template.json');
  const { PGlite } = await import('@electric-sql/pglite');
  const info = { pgliteVersion: pgliteVersion(), migrationsDigest: migrationsDigest() };
  try {
    const made = JSON.parse(fs.readFileSync(infoFile, 'utf8'));
    if (fs.existsSync(tarball) && JSON.stringify(made) === JSON.stringify(info)) return;
  } catch {
    // none yet: make it
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'billing-template-'));
  try {
    const env = { ...process.env, BILLING_DATA_DIR: work, BILLING_LOG_LEVEL: 'warn' };
    delete env.DATABASE_URL;
    const migrate = spawnSync(process.execPath, [path.join(outDir, 'billing.mjs'), 'migrate'], {
      env,
      encoding: 'utf8',
    });
    if (migrate.status !== 0) throw new Error(`billing migrate failed: ${migrate.stderr || migrate.stdout}`);
    const pglite = new PGlite(path.join(work, 'pgdata'));
    const dump = await pglite.dumpDataDir('gzip');
    await pglite.close();
    // Written beside and renamed: a concurrent build or a starting service never reads half a file.
    // The old info goes first: a build stopped between the two renames leaves a template without
    // info, which the service ignores and the next build makes again, never a new template under
    // the old info (which a later build, back on the old migrations, would take for current).
    fs.rmSync(infoFile, { force: true });
    fs.writeFileSync(`${tarball}.${process.pid}`, Buffer.from(await dump.arrayBuffer()));
    fs.renameSync(`${tarball}.${process.pid}`, tarball);
    fs.writeFileSync(`${infoFile}.${process.pid}`, JSON.stringify(info));
    fs.renameSync(`${infoFile}.${process.pid}`, infoFile);
  } catch (error) {
    console.warn(`build: no embedded database template (${error.message}); fresh starts will run initdb`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function pgliteVersion() {
  let dir = path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
}

function migrationsDigest() {
  const hash = crypto.createHash('sha256');
  for (const file of fs.readdirSync(path.join(ROOT, 'migrations')).sort()) {
    hash.update(file).update(fs.readFileSync(path.join(ROOT, 'migrations', file)));
  }
  return hash.digest('hex');
}

async function loadEsbuild() {
  try {
    return await import('esbuild');
  } catch (error) {
    if (error?.code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await build({ logLevel: 'info' });
}

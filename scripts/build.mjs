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
import fs from 'node:fs';
import path from 'node:path';
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
  return outDir;
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

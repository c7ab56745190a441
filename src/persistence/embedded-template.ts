/**
 * A fresh embedded database starts from a template cluster instead of running initdb: initdb takes
 * about 4 s on our machines, loading the template about 1 s. The build (scripts/build.mjs) makes the
 * template next to the bundled service, from a cluster that only initdb and the migrations touched:
 * no data and no secrets (service secrets are created at first start, per installation). Migrations
 * newer than the template are applied on top as usual. A template made by another PGlite version is
 * ignored, and without one (running from the sources, or an older build) initdb runs as before.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const TEMPLATE_FILE = 'embedded-template.tar.gz';
export const TEMPLATE_INFO_FILE = 'embedded-template.json';

export interface TemplateInfo {
  pgliteVersion: string;
}

/** The template beside this module (dist/ once bundled), when it was made by the PGlite installed now. */
export function embeddedTemplate(): Blob | undefined {
  const dir = path.dirname(fileURLToPath(import.meta.url));
  try {
    const info = JSON.parse(fs.readFileSync(path.join(dir, TEMPLATE_INFO_FILE), 'utf8')) as TemplateInfo;
    if (info.pgliteVersion !== installedPgliteVersion()) return undefined;
    return new Blob([fs.readFileSync(path.join(dir, TEMPLATE_FILE))]);
  } catch {
    return undefined;
  }
}

/** The version of the PGlite package that will open the database (its package.json is not exported). */
export function installedPgliteVersion(): string | undefined {
  let dir = path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@electric-sql/pglite') return pkg.version;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * This program's name and version as package.json states them (the SIE file's #PROGRAM): found by
 * walking up from this module, which sits in src/compose when run from source and in dist/ when built.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: { name: string; version: string } | undefined;

export function programVersion(): { name: string; version: string } {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      name?: string;
      version?: string;
    };
    cached = { name: pkg.name ?? 'billing-integration', version: pkg.version ?? '0' };
  } catch {
    cached = { name: 'billing-integration', version: '0' };
  }
  return cached;
}

#!/usr/bin/env node
// The `billing` command: runs the compiled service in dist/ (`npm run build`; `npm install` builds it).
// Plain Node, no TypeScript loader at run time; source maps point stack traces at src/.
import fs from 'node:fs';
import process from 'node:process';
import { URL } from 'node:url';

const compiled = new URL('../dist/billing.mjs', import.meta.url);
if (!fs.existsSync(compiled)) {
  process.stderr.write(
    'billing: dist/billing.mjs is missing; run `npm run build` (or `npm install`) first\n',
  );
  process.exit(1);
}
process.setSourceMapsEnabled(true);
await import(compiled.href);

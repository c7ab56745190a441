/**
 * Builds the billing console (src/console) into dist/console with hashed asset names; the service
 * serves that directory at BILLING_CONSOLE_ADDR. Run by scripts/build.mjs (`npm run build`), or by
 * `npx vite build` alone. vitest reads vitest.config.ts, not this file.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = path.join(path.dirname(fileURLToPath(import.meta.url)), 'src/console');

export default defineConfig({
  root: here,
  base: '/',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: path.resolve(here, '../../dist/console'),
    // Overwritten in place, not emptied first: a running service or test may be serving it.
    emptyOutDir: false,
    sourcemap: true,
    target: 'es2022',
    // One chunk on purpose: React plus the generated descriptors of every service, loaded once.
    chunkSizeWarningLimit: 1500,
  },
});

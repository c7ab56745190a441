/** Types of scripts/build.mjs, for the TypeScript that calls it (test/support/build-dist.ts). */
export function build(options?: {
  outDir?: string;
  logLevel?: 'info' | 'warning' | 'error' | 'silent';
}): Promise<string>;

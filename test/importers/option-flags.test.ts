/** The flag table behind `import-cdrs`: names, map and list syntax, and its agreement with the docs. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { IMPORT_OPTION_FLAGS, flagName, parseList, parseMap } from '../../src/importers/option-flags';
import { ACCESS_TYPES } from '../../src/domain/cdr';

const DOCS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/cdr-import.md');

describe('import option flags', () => {
  it('are the option names in kebab case', () => {
    expect(flagName('logUniqueId')).toBe('log-unique-id');
    expect(flagName('nonE164Numbers')).toBe('non-e164-numbers');
    expect(flagName('bridgeId')).toBe('bridge-id');
  });

  it('read maps as key=value,key=value and lists as a,b, refusing what they cannot read', () => {
    expect(parseMap('from-tollfree=toll_free_dial_in, conf-out=dial_out', ACCESS_TYPES)).toEqual({
      'from-tollfree': 'toll_free_dial_in',
      'conf-out': 'dial_out',
    });
    expect(() => parseMap('from-tollfree:toll_free_dial_in', ACCESS_TYPES)).toThrow(/is not key=value/);
    expect(() => parseMap('x=free', ACCESS_TYPES)).toThrow(/'free' is not one of local_dial_in/);
    expect(() => parseMap('x=web,x=dial_out', ACCESS_TYPES)).toThrow(/'x' is given twice/);
    expect(parseList('ConfBridge,MeetMe')).toEqual(['ConfBridge', 'MeetMe']);
    expect(() => parseList('a,,b')).toThrow(/empty entry/);
    expect(() => IMPORT_OPTION_FLAGS.countryCode.parse!('+46')).toThrow(/not 1 to 4 digits/);
  });

  it('cover every option the docs describe, and the docs describe every flag', () => {
    const docs = readFileSync(DOCS, 'utf8');
    const documentedFlags = new Set([...docs.matchAll(/`--([a-z0-9-]+)/g)].map((m) => m[1]!));
    const flags = Object.keys(IMPORT_OPTION_FLAGS).map(flagName);
    for (const f of flags) expect(documentedFlags, `--${f} is not in docs/cdr-import.md`).toContain(f);
    const cliOnly = ['format', 'encoding', 'dry-run', 'help'];
    const negations = Object.entries(IMPORT_OPTION_FLAGS).flatMap(([k, spec]) =>
      spec.negatable ? [`no-${flagName(k)}`] : [],
    );
    for (const d of documentedFlags)
      expect([...flags, ...cliOnly, ...negations], `docs mention --${d}, which is no flag`).toContain(d);
  });
});

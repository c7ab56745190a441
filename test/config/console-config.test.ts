/** The browser console's settings: its address (or `off`), the CORS origins and the app directory. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config';

describe('console configuration', () => {
  it('listens on 127.0.0.1:8080 by default, with no extra origins', () => {
    const config = loadConfig({});
    expect(config.consoleAddr).toBe('127.0.0.1:8080');
    expect(config.consoleCorsOrigins).toEqual([]);
    expect(config.consoleDir).toBeUndefined();
  });

  it('is off with `off` (and with an empty value, like the metrics address)', () => {
    expect(loadConfig({ BILLING_CONSOLE_ADDR: 'off' }).consoleAddr).toBeUndefined();
    expect(loadConfig({ BILLING_CONSOLE_ADDR: '' }).consoleAddr).toBeUndefined();
  });

  it('refuses an address that is not host:port, naming the variable', () => {
    expect(() => loadConfig({ BILLING_CONSOLE_ADDR: '8080' })).toThrow(ConfigError);
    expect(() => loadConfig({ BILLING_CONSOLE_ADDR: '8080' })).toThrow(/BILLING_CONSOLE_ADDR/);
  });

  it('reads a comma-separated list of origins and refuses anything that is not an origin', () => {
    expect(
      loadConfig({ BILLING_CONSOLE_CORS_ORIGINS: ' http://localhost:5173, https://billing.example ' })
        .consoleCorsOrigins,
    ).toEqual(['http://localhost:5173', 'https://billing.example']);
    for (const bad of ['*', 'localhost:5173', 'https://billing.example/', 'ftp://x.example'])
      expect(() => loadConfig({ BILLING_CONSOLE_CORS_ORIGINS: bad }), bad).toThrow(
        /BILLING_CONSOLE_CORS_ORIGINS/,
      );
  });

  it('resolves the app directory', () => {
    expect(loadConfig({ BILLING_CONSOLE_DIR: 'web/dist' }).consoleDir).toBe(path.resolve('web/dist'));
  });
});

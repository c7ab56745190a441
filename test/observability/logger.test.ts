import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loggerOptions } from '../../src/observability/logger';
import { openDatabase } from '../../src/persistence/database';
import { createTestDatabase } from '../support/test-database';

function capturingLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { log: pino(loggerOptions('info'), sink), lines };
}

describe('the service logger', () => {
  it("logs a background job's database error without the statement or its values", async () => {
    const db = await createTestDatabase();
    const database = await openDatabase({ databaseUrl: db.databaseUrl, dataDir: db.dataDir });
    try {
      const knex = database.orm.em.getKnex();
      await knex.raw('create table secrets (code text primary key)');
      await knex.raw("insert into secrets values ('access-code-918273')");
      const error = await knex.raw("insert into secrets values ('access-code-918273')").then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(Error);
      expect(String((error as Error).message)).toContain('access-code-918273');

      const { log, lines } = capturingLogger();
      log.error({ err: error }, 'closing due billing periods failed; will try again');

      const line = lines.join('');
      expect(line).not.toContain('access-code-918273');
      expect(line).not.toContain('insert into');
      const entry = JSON.parse(line) as { err: { code: string; message: string; constraint?: string } };
      expect(entry.err.code).toBe('23505');
      expect(entry.err.message).toMatch(/duplicate key/);
    } finally {
      await database.close();
      await db.drop();
    }
  });

  it('logs any other error with its message and stack', () => {
    const { log, lines } = capturingLogger();
    log.error({ err: new TypeError('rules directory vanished') }, 'reload failed');
    const entry = JSON.parse(lines.join('')) as { err: { type: string; message: string; stack: string } };
    expect(entry.err).toMatchObject({ type: 'TypeError', message: 'rules directory vanished' });
    expect(entry.err.stack).toContain('logger.test.ts');
  });
});

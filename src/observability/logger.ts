/** Structured JSON logs (pino) on stdout. Secrets never reach a log line: see `redact`. */
import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * `to: 'stderr'` for the command line, whose stdout is the command's output (a CSV, a report) and
 * must not get a log line mixed in.
 */
export function createLogger(level: string, to: 'stdout' | 'stderr' = 'stdout'): Logger {
  const options = {
    level,
    base: { service: 'billing' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['authorization', '*.authorization', 'token', '*.token'], censor: '[redacted]' },
  };
  return to === 'stderr' ? pino(options, pino.destination({ dest: 2, sync: true })) : pino(options);
}

/**
 * A whole file (or the options given for it) cannot be imported: binary or compressed data, an
 * unknown format, an undecodable encoding, an ambiguous Asterisk layout, a missing time zone. The
 * message is one line written for the operator (it says what to do, e.g. which option to pass), so
 * the command line prints it without a stack trace; any other error is a bug.
 */
export class CdrFileError extends Error {
  override name = 'CdrFileError';
}

export function isCdrFileError(e: unknown): e is CdrFileError {
  return e instanceof CdrFileError;
}

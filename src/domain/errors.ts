/**
 * Domain errors: what went wrong in words a client can act on. The transport maps each class to
 * one canonical gRPC status (src/transport/grpc/middleware/error-mapper.ts); anything else is an
 * internal error and its message never leaves the server.
 */
export interface FieldViolation {
  /** Field path in the request, in the proto's snake_case names (`cdrs[3].start_time`). */
  field: string;
  reason: string;
}

export class DomainError extends Error {
  override name = 'DomainError';
}

/** The request is malformed: INVALID_ARGUMENT with one violation per bad field. */
export class ValidationError extends DomainError {
  override name = 'ValidationError';
  constructor(readonly violations: FieldViolation[]) {
    super(violations.map((v) => `${v.field}: ${v.reason}`).join('; '));
  }
}

export class NotFoundError extends DomainError {
  override name = 'NotFoundError';
}

/** The request conflicts with stored state (same key, different content): ALREADY_EXISTS / ABORTED. */
export class ConflictError extends DomainError {
  override name = 'ConflictError';
}

/** An `expected_version` that is no longer current: ABORTED, the client re-reads and retries. */
export class StaleVersionError extends ConflictError {
  override name = 'StaleVersionError';
}

/** The system is not in a state that allows the operation (e.g. changing an issued invoice). */
export class FailedPreconditionError extends DomainError {
  override name = 'FailedPreconditionError';
}

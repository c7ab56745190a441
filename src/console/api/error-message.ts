/** One line for the user about a failed call, by Connect/gRPC code. */
import { Code, ConnectError } from '@connectrpc/connect';

export function errorMessage(error: unknown): string {
  if (!(error instanceof ConnectError)) return error instanceof Error ? error.message : String(error);
  switch (error.code) {
    case Code.Unauthenticated:
      return `Not signed in or the token was refused: ${error.rawMessage}`;
    case Code.PermissionDenied:
      return `Permission denied: your role may not do this (${error.rawMessage})`;
    case Code.InvalidArgument:
      return `Please correct the marked fields: ${error.rawMessage}`;
    case Code.NotFound:
      return `Not found: ${error.rawMessage}`;
    case Code.FailedPrecondition:
      return `Not possible now: ${error.rawMessage}`;
    case Code.Unavailable:
      return `The service is unavailable, try again: ${error.rawMessage}`;
    default:
      return `${Code[error.code]}: ${error.rawMessage}`;
  }
}

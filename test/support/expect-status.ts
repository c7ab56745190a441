/** Awaits a call that must fail with `code`; returns the error for further checks. */
import { ClientError, Status } from 'nice-grpc';
import { expect } from 'vitest';

export async function expectStatus(promise: Promise<unknown>, code: Status): Promise<ClientError> {
  const error = await promise.then(
    () => {
      throw new Error(`expected ${Status[code]}, the call succeeded`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ClientError);
  expect(Status[(error as ClientError).code]).toBe(Status[code]);
  return error as ClientError;
}

/** StaleVersionError (a stale `expected_version`) answers ABORTED, as common.proto promises. */
import { ServerError, Status } from 'nice-grpc';
import { StaleVersionError } from '../../../app/mutations';

export async function abortedWhenStale<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof StaleVersionError) throw new ServerError(Status.ABORTED, error.message);
    throw error;
  }
}

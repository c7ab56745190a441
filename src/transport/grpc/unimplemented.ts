/**
 * An implementation of every method of a service that answers UNIMPLEMENTED. Services spread it
 * under the methods they do implement, so a method nobody has built yet never gives a fake answer.
 */
import { ServerError, Status } from 'nice-grpc';

interface MethodShape {
  name: string;
  responseStream: boolean;
}

export function unimplementedMethods(definition: { fullName: string; methods: Record<string, MethodShape> }) {
  const methods: Record<string, unknown> = {};
  for (const [key, method] of Object.entries(definition.methods)) {
    const error = () =>
      new ServerError(Status.UNIMPLEMENTED, `${definition.fullName}/${method.name} is not implemented yet`);
    // A rejected promise (or a stream whose first read rejects), never a synchronous throw.
    methods[key] = method.responseStream
      ? (): AsyncIterable<never> => ({
          [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(error()) }),
        })
      : () => Promise.reject(error());
  }
  return methods;
}

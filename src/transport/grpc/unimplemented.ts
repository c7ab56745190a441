/**
 * An implementation of every method of a service that answers UNIMPLEMENTED. Services spread it
 * under the methods they do implement, so a method nobody has built yet never gives a fake answer.
 */
import { ServerError, Status, type ServiceImplementation, type TsProtoServiceDefinition } from 'nice-grpc';
import type { AuthContext } from './middleware/authentication';

export function unimplementedMethods<D extends TsProtoServiceDefinition>(
  definition: D,
): ServiceImplementation<D, AuthContext> {
  const methods: Record<string, unknown> = {};
  for (const [key, method] of Object.entries(definition.methods)) {
    const fail = () =>
      Promise.reject(
        new ServerError(Status.UNIMPLEMENTED, `${definition.fullName}/${method.name} is not implemented yet`),
      );
    methods[key] = method.responseStream
      ? async function* () {
          yield await fail(); // rejects before anything is yielded
        }
      : fail;
  }
  // Built by walking the definition's methods, one handler of the right kind (unary or streaming)
  // each: exactly the shape ServiceImplementation<D> describes, which TypeScript cannot follow.
  return methods as ServiceImplementation<D, AuthContext>;
}

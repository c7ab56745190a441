/**
 * Wraps the request decoder of a generated service definition with the wire guard. grpc-js calls
 * the decoder as soon as a message has arrived; a message that breaks a limit or is not protobuf at
 * all decodes to a RefusedMessage instead of throwing (grpc-js would answer a throw with INTERNAL
 * and log nothing). The input-guard middleware then answers it precisely.
 */
import type { DescMessage } from '@bufbuild/protobuf';
import type { FieldViolation } from '../../../domain/errors';
import { checkWire } from './wire-guard';

/** What a refused request decodes to: never seen by a handler. */
export class RefusedMessage {
  constructor(
    /** True when the bytes are not a protobuf message of the expected type at all. */
    readonly undecodable: boolean,
    readonly violations: FieldViolation[],
  ) {}
}

interface MessageCodec {
  decode(input: Uint8Array, length?: number): unknown;
}

interface MethodDefinition {
  name: string;
  requestType: MessageCodec;
}

export interface GuardableDefinition {
  fullName: string;
  methods: Record<string, MethodDefinition>;
}

/**
 * The same definition with every request decoder guarded. `inputOf` finds the request message's
 * descriptor for a method (from the descriptor set of the contract).
 */
export function guardedDefinition<D extends GuardableDefinition>(
  definition: D,
  inputOf: (service: string, method: string) => DescMessage,
): D {
  const methods = Object.fromEntries(
    Object.entries(definition.methods).map(([key, method]) => {
      const descriptor = inputOf(definition.fullName, method.name);
      const original = method.requestType;
      const requestType = {
        ...original,
        decode(input: Uint8Array): unknown {
          const check = checkWire(descriptor, input);
          if (!check.ok) return new RefusedMessage(check.undecodable, check.violations);
          try {
            return original.decode(input);
          } catch (error) {
            // The guard found the shape sound but decoding still failed (e.g. a nested group).
            return new RefusedMessage(true, [
              {
                field: 'request',
                reason: `not a valid ${descriptor.typeName} message: ${(error as Error).message}`,
              },
            ]);
          }
        },
      };
      return [key, { ...method, requestType }];
    }),
  );
  return { ...definition, methods };
}

/** The methods of a generated service definition, typed alike for every service (tests walk them all). */
import type { TsProtoServiceDefinition } from 'nice-grpc';

export interface MethodInfo {
  /** The key in the definition (lowerCamelCase), which is also the client's method name. */
  key: string;
  /** The RPC's name in the contract (UpperCamelCase). */
  name: string;
  requestStream: boolean;
  responseStream: boolean;
}

export function methodsOf(definition: TsProtoServiceDefinition): MethodInfo[] {
  return Object.entries(definition.methods).map(([key, m]) => ({
    key,
    name: m.name,
    requestStream: m.requestStream,
    responseStream: m.responseStream,
  }));
}

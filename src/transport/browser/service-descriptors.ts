/**
 * The descriptors of the services the gRPC server serves, read from the same descriptor set it
 * offers for reflection (src/gen/billing.binpb): a service added to the server is in the browser's
 * API too, with no list to keep in step.
 */
import { createFileRegistry, fromBinary, type DescService } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';

export function serviceDescriptors(descriptorSet: Uint8Array, fullNames: readonly string[]): DescService[] {
  const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, descriptorSet));
  return fullNames.map((name) => {
    const service = registry.getService(name);
    if (!service) throw new Error(`${name} is not in the descriptor set; run npm run generate`);
    return service;
  });
}

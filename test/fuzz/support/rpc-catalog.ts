/**
 * Every RPC of the billing.v1 services, read from the descriptor set the server serves by reflection
 * (src/gen/billing.binpb), not a hand-kept list: an RPC added to the contract is fuzzed without
 * touching the tests. Each entry also carries the generated ts-proto decoder of its request, the
 * oracle for "this input is genuinely undecodable".
 */
import fs from 'node:fs';
import path from 'node:path';
import { createFileRegistry, fromBinary, type DescMessage, type DescMethod } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import type { Role } from '../../../src/auth/roles';
import { BookingServiceDefinition } from '../../../src/gen/billing/v1/booking_service';
import { CdrIngestServiceDefinition } from '../../../src/gen/billing/v1/cdr_ingest_service';
import { CustomerServiceDefinition } from '../../../src/gen/billing/v1/customer_service';
import { InvoiceServiceDefinition } from '../../../src/gen/billing/v1/invoice_service';
import { RatingServiceDefinition } from '../../../src/gen/billing/v1/rating_service';
import { accessPolicy } from '../../../src/transport/grpc/access-policy';
import { REPO_ROOT } from '../../support/test-service';

export type RpcKind = DescMethod['methodKind'];

export interface Rpc {
  /** `billing.v1.CdrIngestService/SubmitCdrs` */
  name: string;
  /** The gRPC path, `/billing.v1.CdrIngestService/SubmitCdrs`. */
  path: string;
  kind: RpcKind;
  input: DescMessage;
  /** The roles the access policy admits (admin aside). */
  roles: Role[];
  /**
   * The generated decoder of the request type (what grpc-js runs on every message unless the server
   * wraps it); throws on bytes that are not an encoding of the type: the oracle for "undecodable".
   */
  serverDecode(bytes: Uint8Array): unknown;
}

/** The generated definitions, seen only as far as the catalog needs them: names and request decoders. */
const GENERATED: {
  fullName: string;
  methods: Record<string, { name: string; requestType: { decode(bytes: Uint8Array): unknown } }>;
}[] = [
  CdrIngestServiceDefinition,
  RatingServiceDefinition,
  InvoiceServiceDefinition,
  CustomerServiceDefinition,
  BookingServiceDefinition,
];

export function loadDescriptorRegistry() {
  const bytes = fs.readFileSync(path.join(REPO_ROOT, 'src/gen/billing.binpb'));
  return createFileRegistry(fromBinary(FileDescriptorSetSchema, bytes));
}

/** Every RPC of every billing.v1 service, in descriptor order. */
export function billingRpcs(): Rpc[] {
  const rpcs: Rpc[] = [];
  for (const type of loadDescriptorRegistry()) {
    if (type.kind !== 'service' || !type.typeName.startsWith('billing.v1.')) continue;
    const generated = GENERATED.find((d) => d.fullName === type.typeName);
    for (const method of type.methods) {
      const stub = generated && Object.values(generated.methods).find((m) => m.name === method.name);
      if (!stub) throw new Error(`no generated code for ${type.typeName}/${method.name}: is src/gen stale?`);
      rpcs.push({
        name: `${type.typeName}/${method.name}`,
        path: `/${type.typeName}/${method.name}`,
        kind: method.methodKind,
        input: method.input,
        roles: accessPolicy.rolesFor(type.typeName, method.name) ?? [],
        serverDecode: (bytes) => stub.requestType.decode(bytes),
      });
    }
  }
  return rpcs;
}

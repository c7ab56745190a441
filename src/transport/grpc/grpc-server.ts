/**
 * The gRPC server: middleware in a fixed order, health, reflection and the billing services.
 *
 * Middleware order (outermost first): error details on the wire -> metrics and access log ->
 * domain-error mapping -> authentication and roles -> handler. Metrics therefore see the final
 * status code, and the mapper sees every handler error before it leaves the process.
 */
import fs from 'node:fs';
import { ServerCredentials } from '@grpc/grpc-js';
import { createFileRegistry, fromBinary, type DescMessage } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { createServer, type ServiceImplementation, type TsProtoServiceDefinition } from 'nice-grpc';
import { errorDetailsServerMiddleware } from 'nice-grpc-error-details';
import { HealthDefinition, HealthServiceImpl, type HealthState } from 'nice-grpc-server-health';
import { ServerReflection, ServerReflectionService } from 'nice-grpc-server-reflection';
import type { TokenStore } from '../../auth/token-store';
import type { TlsConfig } from '../../config/config';
import type { Logger } from '../../observability/logger';
import type { Metrics } from '../../observability/metrics';
import type { AccessPolicy } from './access-policy';
import { authenticationMiddleware, type AuthContext } from './middleware/authentication';
import { errorMapperMiddleware } from './middleware/error-mapper';
import { observabilityMiddleware, recordRpc } from './middleware/observability';
import { inputGuardMiddleware } from './middleware/input-guard';
import { authorizeBeforeRead, type CallAuthorizer } from './interceptors/authorize-before-read';
import { guardedDefinition, type GuardableDefinition } from './input-limits/guarded-definition';

/** A generated service definition the server can guard (its request decoders) and serve. */
export type BillingServiceDefinition = TsProtoServiceDefinition & GuardableDefinition;

/**
 * A service ready to be added to the server: its definition and handlers stay paired under one
 * type parameter (bindService), so each handler is checked against its own definition and the
 * server's call context, yet services of different definitions share one list.
 */
export interface ServiceBinding {
  readonly fullName: string;
  addTo(server: ServiceRegistry): void;
}

/** What a binding needs of the server: add a definition (guarded on the way) with its handlers. */
export interface ServiceRegistry {
  add<D extends BillingServiceDefinition>(
    definition: D,
    implementation: ServiceImplementation<D, AuthContext>,
  ): void;
}

export function bindService<D extends BillingServiceDefinition>(
  definition: D,
  implementation: ServiceImplementation<D, AuthContext>,
): ServiceBinding {
  return { fullName: definition.fullName, addTo: (server) => server.add(definition, implementation) };
}

export interface GrpcServerOptions {
  logger: Logger;
  metrics: Metrics;
  tokens: TokenStore;
  policy: AccessPolicy;
  health: HealthState;
  /** FileDescriptorSet of every billing.v1 file (src/gen/billing.binpb), for reflection. */
  descriptorSet: Uint8Array;
  services: ServiceBinding[];
  /** Decides on a call from its headers alone, before its messages are read. */
  authorize: CallAuthorizer;
  maxReceiveMessageBytes: number;
  maxSendMessageBytes: number;
  /** HTTP/2 streams (calls) one connection may have open at once. */
  maxConcurrentStreams: number;
  tls?: TlsConfig;
}

export interface GrpcServer {
  listen(address: string): Promise<number>;
  /** Stops accepting; waits for in-flight calls up to `timeoutMs`, then cancels what is left. */
  shutdown(timeoutMs: number): Promise<'graceful' | 'forced'>;
}

export function createGrpcServer(options: GrpcServerOptions): GrpcServer {
  const server = createServer({
    'grpc.max_receive_message_length': options.maxReceiveMessageBytes,
    'grpc.max_send_message_length': options.maxSendMessageBytes,
    'grpc.max_concurrent_streams': options.maxConcurrentStreams,
    // grpc-js takes server interceptors among its options; nice-grpc passes them through.
    interceptors: [
      authorizeBeforeRead(options.authorize, (path, code, peer) =>
        recordRpc(options.metrics, options.logger, path, code, 0, peer),
      ),
    ],
    // Bridges keep streams open for hours; keepalives find a vanished peer instead of waiting forever.
    'grpc.keepalive_time_ms': 30_000,
    'grpc.keepalive_timeout_ms': 10_000,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.http2.min_ping_interval_without_data_ms': 10_000,
  })
    .use(errorDetailsServerMiddleware)
    .use(observabilityMiddleware(options.metrics, options.logger))
    .use(errorMapperMiddleware(options.logger))
    .use(inputGuardMiddleware(options.metrics, options.logger))
    .use(authenticationMiddleware(options.tokens, options.policy));

  server.add(HealthDefinition, HealthServiceImpl(options.health));
  const inputOf = requestDescriptors(options.descriptorSet);
  const registry: ServiceRegistry = {
    add: (definition, implementation) => server.add(guardedDefinition(definition, inputOf), implementation),
  };
  for (const service of options.services) service.addTo(registry);
  const reflection = ServerReflection(
    Buffer.from(options.descriptorSet),
    options.services.map((s) => s.fullName).concat('grpc.health.v1.Health'),
  );
  server.add(ServerReflectionService, reflection);
  // Older clients (Python's grpcio-reflection, older grpcurl) speak v1alpha, which is the same
  // protocol under another service name.
  server.add(v1alphaOf(ServerReflectionService), reflection);

  return {
    listen: (address) => server.listen(address, credentials(options.tls)),
    async shutdown(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const forced = new Promise<'forced'>((resolve) => {
        timer = setTimeout(() => {
          server.forceShutdown();
          resolve('forced');
        }, timeoutMs);
      });
      const result = await Promise.race([server.shutdown().then(() => 'graceful' as const), forced]);
      clearTimeout(timer);
      return result;
    },
  };
}

/** The request message descriptor of each method of the contract, for the wire guard. */
function requestDescriptors(descriptorSet: Uint8Array): (service: string, method: string) => DescMessage {
  const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, descriptorSet));
  return (service, method) => {
    const input = registry.getService(service)?.methods.find((m) => m.name === method)?.input;
    if (!input) throw new Error(`${service}/${method} is not in the descriptor set; run npm run generate`);
    return input;
  };
}

function v1alphaOf<T extends Record<string, { path: string }>>(definition: T): T {
  return Object.fromEntries(
    Object.entries(definition).map(([key, method]) => [
      key,
      { ...method, path: method.path.replace('/grpc.reflection.v1.', '/grpc.reflection.v1alpha.') },
    ]),
  ) as T;
}

function credentials(tls: TlsConfig | undefined): ServerCredentials {
  if (!tls) return ServerCredentials.createInsecure();
  const rootCert = tls.clientCaFile ? fs.readFileSync(tls.clientCaFile) : null;
  return ServerCredentials.createSsl(
    rootCert,
    [{ cert_chain: fs.readFileSync(tls.certFile), private_key: fs.readFileSync(tls.keyFile) }],
    Boolean(rootCert),
  );
}

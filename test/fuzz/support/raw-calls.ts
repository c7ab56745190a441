/**
 * Sends arbitrary bytes as gRPC messages with @grpc/grpc-js and identity (de)serializers, so a test
 * can put anything on the wire (random bytes, cut frames) and see the status the server answers.
 */
import * as grpc from '@grpc/grpc-js';
import { ClientError, createChannel, createClient, Status } from 'nice-grpc';
import { HealthDefinition } from 'nice-grpc-server-health';
import type { Rpc } from './rpc-catalog';

const identity = (b: Buffer) => b;

export interface Answer {
  /** The gRPC status code the call ended with. */
  code: grpc.status;
  details: string;
  /** Messages received before the status. */
  messages: number;
  /** Server streams only: the stream was still open (and was cancelled by us) after the barrier. */
  stillOpen?: boolean;
}

/**
 * A client on its own HTTP/2 connection (grpc-js otherwise shares one connection per target across
 * clients), so a connection wedged by one call does not take other clients' calls with it.
 */
export function rawClient(address: string, options: grpc.ClientOptions = {}): grpc.Client {
  return new grpc.Client(address, grpc.credentials.createInsecure(), {
    'grpc.use_local_subchannel_pool': 1,
    ...options,
  });
}

export function bearer(token: string | undefined): grpc.Metadata {
  const metadata = new grpc.Metadata();
  if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}

/** One unary call; resolves with its status (OK included). */
export function unaryCall(
  client: grpc.Client,
  path: string,
  message: Uint8Array,
  metadata: grpc.Metadata,
): Promise<Answer> {
  return new Promise((resolve) => {
    let messages = 0;
    client.makeUnaryRequest(path, identity, identity, Buffer.from(message), metadata, {}, (error, value) => {
      if (value) messages = 1;
      resolve({ code: error?.code ?? grpc.status.OK, details: error?.details ?? '', messages });
    });
  });
}

function statusOf(
  call: grpc.ClientReadableStream<Buffer> | grpc.ClientDuplexStream<Buffer, Buffer>,
): Promise<Answer> {
  let messages = 0;
  call.on('data', () => messages++);
  call.on('error', () => {}); // the status event below carries the same information
  return new Promise((resolve) =>
    call.on('status', (s: grpc.StatusObject) => resolve({ code: s.code, details: s.details, messages })),
  );
}

/** Client or bidirectional stream: writes every frame, half-closes, and waits for the status. */
export function streamingCall(
  client: grpc.Client,
  path: string,
  kind: 'client_streaming' | 'bidi_streaming',
  frames: Uint8Array[],
  metadata: grpc.Metadata,
): Promise<Answer> {
  if (kind === 'client_streaming') {
    return new Promise((resolve) => {
      const call = client.makeClientStreamRequest(path, identity, identity, metadata, {}, (error) =>
        resolve({
          code: error?.code ?? grpc.status.OK,
          details: error?.details ?? '',
          messages: error ? 0 : 1,
        }),
      );
      call.on('error', () => {});
      for (const frame of frames) call.write(Buffer.from(frame));
      call.end();
    });
  }
  const call = client.makeBidiStreamRequest(path, identity, identity, metadata, {});
  const answer = statusOf(call);
  for (const frame of frames) call.write(Buffer.from(frame));
  call.end();
  return answer;
}

/**
 * Waits until the server has surely received and started on a request of `requestBytes` bytes sent
 * on the same connection just before (see the caller for how).
 */
export type Barrier = (requestBytes: number) => Promise<unknown>;

/**
 * A server stream may legitimately stay open forever (WatchBookings tails the outbox). The call is
 * started, then `barrier` runs; if the stream has not ended by then it counts as accepted and open,
 * and is cancelled.
 */
export async function serverStreamCall(
  client: grpc.Client,
  path: string,
  message: Uint8Array,
  metadata: grpc.Metadata,
  barrier: Barrier,
): Promise<Answer> {
  const call = client.makeServerStreamRequest(path, identity, identity, Buffer.from(message), metadata, {});
  let ended = false;
  const answer = statusOf(call).then((a) => {
    ended = true;
    return a;
  });
  await barrier(message.length);
  if (ended) return answer;
  call.cancel();
  const final = await answer;
  // The server may have answered between the barrier and the cancel: keep its status then.
  return final.code === grpc.status.CANCELLED && final.details === 'Cancelled on client'
    ? { ...final, stillOpen: true }
    : final;
}

export function callRpc(
  client: grpc.Client,
  rpc: Rpc,
  frames: Uint8Array[],
  metadata: grpc.Metadata,
  barrier: Barrier,
): Promise<Answer> {
  switch (rpc.kind) {
    case 'unary':
      return unaryCall(client, rpc.path, frames[0]!, metadata);
    case 'server_streaming':
      return serverStreamCall(client, rpc.path, frames[0]!, metadata, barrier);
    default:
      return streamingCall(client, rpc.path, rpc.kind, frames, metadata);
  }
}

const SERVING_STATUS = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];

/**
 * grpc.health.v1.Health/Check for the whole server, on a connection of its own: "SERVING",
 * "NOT_SERVING", or the call's error.
 */
export async function healthStatus(address: string): Promise<string> {
  const channel = createChannel(address, undefined, { 'grpc.use_local_subchannel_pool': 1 });
  try {
    const { status } = await createClient(HealthDefinition, channel).check({ service: '' });
    return SERVING_STATUS[status] ?? `status ${status}`;
  } catch (error) {
    return error instanceof ClientError ? `${Status[error.code]}: ${error.details}` : String(error);
  } finally {
    channel.close();
  }
}

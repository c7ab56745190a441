/**
 * What the console's RPCs read of a request body, and when. connect-node reads and decodes a whole
 * request before the handler runs, so the checks the gRPC port makes before decoding have to sit
 * between the socket and connect: this module hands connect the body through them.
 *
 * - A call refused on its headers gets a body that fails on the first read, with the refusal:
 *   connect answers it in the caller's protocol and not one byte of the request is read.
 * - An admitted call's messages are read (at most readMaxBytes each, as connect would), unwrapped
 *   from their envelope and compression, and checked before connect decodes them: protobuf by the
 *   gRPC port's wire guard (INVALID_ARGUMENT naming each field, as there), JSON by a count of its
 *   containers against what INPUT_LIMITS admit (json-budget.ts). They then go to connect unchanged.
 */
import type { DescMessage } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import {
  type Compression,
  encodeEnvelope,
  envelopeDecompress,
  pipe,
  readAllBytes,
  transformSplitEnvelope,
} from '@connectrpc/connect/protocol';
import { parseContentType as parseConnectContentType } from '@connectrpc/connect/protocol-connect';
import { parseContentType as parseGrpcWebContentType } from '@connectrpc/connect/protocol-grpc-web';
import { BadRequest } from 'nice-grpc-error-details';
import { ValidationError, type FieldViolation } from '../../domain/errors';
import { MAX_STATUS_MESSAGE_CHARS } from '../grpc/middleware/error-mapper';
import { checkWire } from '../grpc/input-limits/wire-guard';
import { jsonBudget, withinJsonBudget } from './json-budget';

/** How a request's messages travel, from its Content-Type. */
interface Framing {
  /** Length-prefixed envelopes (streams, gRPC-Web) rather than one bare message (Connect unary). */
  enveloped: boolean;
  binary: boolean;
  /** The header naming the compression of the messages. */
  encodingHeader: string;
}

export interface GuardOptions {
  /** The request message of the method called. */
  input: DescMessage;
  header: Headers;
  readMaxBytes: number;
  /** The compressions connect accepts; the same decompress the messages for the checks. */
  compressions: readonly Compression[];
}

/** A body that refuses the call when first read, before any byte of it is. */
export function refusedBody(error: ConnectError): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(error) }),
  };
}

/** The request body as connect will read it: each message checked before connect decodes it. */
export function guardedBody(
  body: AsyncIterable<Uint8Array>,
  options: GuardOptions,
): AsyncIterable<Uint8Array> {
  const framing = framingOf(options.header.get('content-type'));
  // connect answers an unknown content type without reading; should it read, nothing unchecked goes by.
  if (!framing) return refusedBody(new ConnectError('unsupported content type', Code.InvalidArgument));
  const encoding = options.header.get(framing.encodingHeader);
  const compression =
    encoding === null || encoding === 'identity'
      ? null
      : (options.compressions.find((c) => c.name === encoding) ?? 'unknown');
  if (compression === 'unknown')
    return refusedBody(new ConnectError(`unsupported compression ${encoding}`, Code.Unimplemented));
  return framing.enveloped
    ? checkedEnvelopes(body, framing.binary, compression, options)
    : checkedUnary(body, framing.binary, compression, options);
}

async function* checkedUnary(
  body: AsyncIterable<Uint8Array>,
  binary: boolean,
  compression: Compression | null,
  options: GuardOptions,
): AsyncIterable<Uint8Array> {
  // Bounded as connect bounds it: a Content-Length over the limit is refused before reading.
  const bytes = await readAllBytes(body, options.readMaxBytes, options.header.get('content-length'));
  const message = compression ? await compression.decompress(bytes, options.readMaxBytes) : bytes;
  check(message, binary, options.input);
  yield bytes;
}

async function* checkedEnvelopes(
  body: AsyncIterable<Uint8Array>,
  binary: boolean,
  compression: Compression | null,
  options: GuardOptions,
): AsyncIterable<Uint8Array> {
  for await (const envelope of pipe(body, transformSplitEnvelope(options.readMaxBytes))) {
    // A client sends data messages only (end-of-stream and trailer frames are the server's): any
    // other flag is refused, for connect would take an envelope without its own end flag (0x02 on
    // Connect, 0x80 on gRPC-Web) as a message and decode it unchecked.
    if ((envelope.flags & ~COMPRESSED_FLAG) !== 0)
      throw invalidArgument([
        {
          field: 'request',
          reason: `envelope flags ${envelope.flags}: a request carries data messages only`,
        },
      ]);
    const plain = await envelopeDecompress(envelope, compression, options.readMaxBytes);
    check(plain.data, binary, options.input);
    yield encodeEnvelope(envelope.flags, envelope.data);
  }
}

const COMPRESSED_FLAG = 0b1;

function check(message: Uint8Array, binary: boolean, input: DescMessage): void {
  if (!binary) {
    if (!withinJsonBudget(message, jsonBudget(input)))
      throw invalidArgument([
        {
          field: 'request',
          reason: `more entries than a valid ${input.typeName} can hold (INPUT_LIMITS)`,
        },
      ]);
    return;
  }
  const verdict = checkWire(input, message);
  if (!verdict.ok) throw invalidArgument(verdict.violations);
}

/** INVALID_ARGUMENT with the google.rpc.BadRequest detail the gRPC port's error mapper sends. */
function invalidArgument(violations: FieldViolation[]): ConnectError {
  const message = new ValidationError(violations).message;
  const error = new ConnectError(message.slice(0, MAX_STATUS_MESSAGE_CHARS), Code.InvalidArgument);
  error.details = [
    {
      type: 'google.rpc.BadRequest',
      value: BadRequest.encode(
        BadRequest.fromPartial({
          fieldViolations: violations.map((v) => ({ field: v.field, description: v.reason })),
        }),
      ).finish(),
    },
  ];
  return error;
}

function framingOf(contentType: string | null): Framing | undefined {
  const connect = parseConnectContentType(contentType);
  if (connect)
    return connect.stream
      ? { enveloped: true, binary: connect.binary, encodingHeader: 'connect-content-encoding' }
      : { enveloped: false, binary: connect.binary, encodingHeader: 'content-encoding' };
  const grpcWeb = parseGrpcWebContentType(contentType);
  // connect-node refuses grpc-web-text itself; its base64 body is not checked here.
  if (grpcWeb && !grpcWeb.text)
    return { enveloped: true, binary: grpcWeb.binary, encodingHeader: 'grpc-encoding' };
  return undefined;
}

/**
 * What a deliberate answer to a fuzzed call looks like, and a log of the calls that got something else.
 *
 * - INTERNAL and UNKNOWN are never deliberate, with one exception: a frame the server genuinely cannot
 *   decode (random bytes, a cut or spliced frame that its own decoder rejects) may get grpc-js's
 *   "Error deserializing request" INTERNAL.
 * - Without a valid token the answer is UNAUTHENTICATED; with a role the RPC does not admit,
 *   PERMISSION_DENIED (RESOURCE_EXHAUSTED is fine for both: size limits come before authentication).
 * - An admitted caller gets OK or a documented client-error code. UNAVAILABLE, CANCELLED,
 *   UNIMPLEMENTED and the like mean the server broke, dropped the call or lacks an RPC of the contract.
 */
import { status as Code } from '@grpc/grpc-js';
import type { Role } from '../../../src/auth/roles';
import type { Frame } from './message-arbitraries';
import type { Answer } from './raw-calls';
import type { Rpc } from './rpc-catalog';

export type Caller = { kind: 'no token' } | { kind: 'unknown token' } | { kind: 'role'; role: Role };

export interface FuzzCall {
  rpc: Rpc;
  caller: Caller;
  frames: Frame[];
}

/** OK, or a documented refusal of the request. */
const DELIBERATE = new Set([
  Code.OK,
  Code.INVALID_ARGUMENT,
  Code.NOT_FOUND,
  Code.ALREADY_EXISTS,
  Code.PERMISSION_DENIED,
  Code.FAILED_PRECONDITION,
  Code.ABORTED,
  Code.OUT_OF_RANGE,
  Code.RESOURCE_EXHAUSTED,
]);

export function callerName(caller: Caller): string {
  return caller.kind === 'role' ? caller.role : caller.kind;
}

function admitted(call: FuzzCall): boolean {
  return (
    call.caller.kind === 'role' && (call.caller.role === 'admin' || call.rpc.roles.includes(call.caller.role))
  );
}

function undecodable(call: FuzzCall): boolean {
  return call.frames.some((frame) => {
    if (frame.kind === 'generated') return false;
    try {
      call.rpc.serverDecode(frame.bytes);
      return false;
    } catch {
      return true;
    }
  });
}

/** Undefined when the answer is deliberate; else what is wrong with it. */
export function problemWith(call: FuzzCall, answer: Answer): string | undefined {
  const code = `${Code[answer.code]}${answer.details ? ` "${answer.details}"` : ''}`;
  const rejectedByDecoder =
    answer.code === Code.INTERNAL && answer.details.startsWith('Error deserializing request');
  if (rejectedByDecoder)
    return undecodable(call) ? undefined : `well-formed protobuf rejected by the decoder: ${code}`;
  if (answer.code === Code.INTERNAL || answer.code === Code.UNKNOWN) return code;
  if (call.caller.kind !== 'role') {
    if (answer.stillOpen) return 'stream left open without a valid token';
    return answer.code === Code.UNAUTHENTICATED || answer.code === Code.RESOURCE_EXHAUSTED
      ? undefined
      : `${code} without a valid token`;
  }
  if (!admitted(call)) {
    if (answer.stillOpen) return `stream left open for role ${call.caller.role}`;
    return answer.code === Code.PERMISSION_DENIED || answer.code === Code.RESOURCE_EXHAUSTED
      ? undefined
      : `${code} for a role the RPC does not admit`;
  }
  return answer.stillOpen || DELIBERATE.has(answer.code) ? undefined : code;
}

/** Calls with a problem, grouped by problem, with the smallest inputs kept as examples. */
export class ProblemLog {
  private readonly groups = new Map<string, { count: number; examples: { size: number; text: string }[] }>();

  record(call: FuzzCall, problem: string): void {
    const group = this.groups.get(problem) ?? { count: 0, examples: [] };
    group.count++;
    const size = call.frames.reduce((n, f) => n + f.bytes.length, 0);
    group.examples.push({
      size,
      text: `as ${callerName(call.caller)}: ${call.frames.map((f) => f.describe()).join(' | ')}`,
    });
    group.examples.sort((a, b) => a.size - b.size).splice(2);
    this.groups.set(problem, group);
  }

  /** One line per problem and example, for the test's failure message. */
  lines(): string[] {
    return [...this.groups].flatMap(([problem, g]) => [
      `${problem} (${g.count}×)`,
      ...g.examples.map((e) => `    e.g. ${e.text.slice(0, 600)}`),
    ]);
  }
}

/**
 * Property-based fuzzing of every RPC of the five billing.v1 services, over a real socket, with the
 * real server and database. The RPCs come from the descriptor set (src/gen/billing.binpb), so a new
 * RPC is fuzzed without touching this file.
 *
 * Each RPC gets batches of concurrent calls: generated messages (plausible values mixed with
 * extremes), random bytes, cut and spliced frames; without a token, with an unknown one, as admin,
 * with the RPC's own roles and with a role it does not admit. Every answer must be deliberate (see
 * support/verdict.ts: never INTERNAL or UNKNOWN, except grpc-js's decoder refusing bytes that really
 * are not protobuf); the server must still be SERVING after each batch; and after the run the
 * database must hold nothing half-stored.
 *
 * Bounded by count (FUZZ_CALLS, default 3000 calls), not time; a call that never gets an answer
 * fails its test by the test timeout, and the unanswered calls are printed.
 *
 *   FUZZ_SEED=<seed>     another (or the printed) base seed; each RPC uses FUZZ_SEED + its index
 *   FUZZ_ONLY=<regex>    only the matching RPCs, with the same seeds and runs as in a full run
 *   FUZZ_TRACE=1         print every call when sent and when answered
 */
import { status as grpcStatus, type Client, type Metadata } from '@grpc/grpc-js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { ROLES, type Role } from '../../src/auth/roles';
import { startTestService, type TestService } from '../support/test-service';
import {
  cdrsWithoutExactlyOneCurrentCharge,
  dailyTotalsDifferingFromChargesPerCustomer,
  dailyTotalsDifferingFromChargesPerDay,
  invoicesWhoseLinesDoNotSumToTotals,
  storedCounts,
} from './support/consistency';
import { frameArb, type GenerationOptions } from './support/message-arbitraries';
import { bearer, callRpc, healthStatus, rawClient, unaryCall } from './support/raw-calls';
import { billingRpcs, type Rpc } from './support/rpc-catalog';
import {
  plausibleMessages,
  plausibleNumbers,
  plausibleRuleFileContents,
  plausibleStrings,
  seedBillingData,
} from './support/seed-data';
import { callerName, problemWith, ProblemLog, type Caller, type FuzzCall } from './support/verdict';

const ALL_RPCS = billingRpcs();
const RPCS = ALL_RPCS.filter((r) => new RegExp(process.env.FUZZ_ONLY ?? '').test(r.name));
const TRACE = Boolean(process.env.FUZZ_TRACE);
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const TOTAL_CALLS = Number(process.env.FUZZ_CALLS ?? 3000);
const BATCH = 8;
const RUNS_PER_RPC = Math.max(1, Math.round(TOTAL_CALLS / BATCH / ALL_RPCS.length));

let t: TestService;
let generation: GenerationOptions;
/** What the seed stored, before any fuzzing. */
let before: Awaited<ReturnType<typeof storedCounts>>;
/** Calls sent and not yet answered, printed if a test fails (a hang shows which call hangs). */
const inFlight = new Set<string>();

beforeAll(async () => {
  t = await startTestService();
  const seed = await seedBillingData(t);
  const plausible = plausibleStrings(seed);
  generation = {
    plausible,
    plausibleNumbers: plausibleNumbers(),
    plausibleBytes: { content: plausibleRuleFileContents() },
    plausibleMessages: plausibleMessages(seed, plausible),
  };
  before = await storedCounts(t.service.database);
}, 120_000);

afterAll(async () => {
  await t?.stop();
});

function callerArb(rpc: Rpc): fc.Arbitrary<Caller> {
  const own = rpc.roles.length ? rpc.roles : (['admin'] as Role[]);
  const others = ROLES.filter((r) => r !== 'admin' && !rpc.roles.includes(r));
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant<Caller>({ kind: 'no token' }) },
    { weight: 1, arbitrary: fc.constant<Caller>({ kind: 'unknown token' }) },
    { weight: 3, arbitrary: fc.constant<Caller>({ kind: 'role', role: 'admin' }) },
    { weight: 3, arbitrary: fc.constantFrom(...own).map((role): Caller => ({ kind: 'role', role })) },
    ...(others.length
      ? [{ weight: 1, arbitrary: fc.constantFrom(...others).map((role): Caller => ({ kind: 'role', role })) }]
      : []),
  );
}

function callArb(rpc: Rpc): fc.Arbitrary<FuzzCall> {
  const frame = frameArb(rpc.input, generation);
  const frames =
    rpc.kind === 'unary' || rpc.kind === 'server_streaming'
      ? frame.map((f) => [f])
      : fc.array(frame, { minLength: 1, maxLength: 3 });
  return fc.record({ rpc: fc.constant(rpc), caller: callerArb(rpc), frames });
}

function metadataFor(caller: Caller): Metadata {
  if (caller.kind === 'no token') return bearer(undefined);
  if (caller.kind === 'unknown token') return bearer('not-a-known-token-0123456789');
  return bearer(t.tokenFor(caller.role));
}

/**
 * Ends once the server has surely received a request of `requestBytes` sent just before on this
 * connection, and run its first database query: first a request just as large (HTTP/2 shares the
 * connection between streams, so it cannot arrive much earlier), then two that each need a database
 * round trip (one connection, queries in order). A server stream still open after that was accepted,
 * not merely not yet refused.
 */
async function databaseBarrier(client: Client, requestBytes: number): Promise<void> {
  const admin = bearer(t.tokenFor('admin'));
  // ListCustomersRequest with an unknown field 1000 (skipped by the decoder) as padding.
  const padded = Buffer.concat([Buffer.from([0xc2, 0x3e]), varint(requestBytes), Buffer.alloc(requestBytes)]);
  await unaryCall(client, LIST_CUSTOMERS, padded, admin);
  for (let i = 0; i < 2; i++) await unaryCall(client, LIST_CUSTOMERS, new Uint8Array(), admin);
}

const LIST_CUSTOMERS = '/billing.v1.CustomerService/ListCustomers';

function varint(value: number): Buffer {
  const bytes: number[] = [];
  for (; value > 0x7f; value = Math.floor(value / 128)) bytes.push((value & 0x7f) | 0x80);
  return Buffer.from([...bytes, value]);
}

let sent = 0;

/** One call on a connection of its own: a call that wedges its connection cannot hold up the others. */
async function send(call: FuzzCall) {
  const label = `${call.rpc.name} as ${callerName(call.caller)}: ${call.frames.map((f) => f.describe().slice(0, 1000)).join(' | ')}`;
  const client = rawClient(t.address);
  inFlight.add(label);
  const n = ++sent;
  if (TRACE) console.log(`#${n} sent ${label}`);
  try {
    const answer = await callRpc(
      client,
      call.rpc,
      call.frames.map((f) => f.bytes),
      metadataFor(call.caller),
      (bytes) => databaseBarrier(client, bytes),
    );
    if (TRACE) console.log(`#${n} answered ${grpcStatus[answer.code]} ${answer.details.slice(0, 200)}`);
    return answer;
  } finally {
    client.close();
    inFlight.delete(label);
  }
}

describe('fuzzing every billing.v1 RPC over a real socket', () => {
  it('finds the five services and their RPCs in the descriptor set', () => {
    const services = new Set(ALL_RPCS.map((r) => r.name.split('/')[0]));
    expect([...services].sort()).toEqual(
      ['BookingService', 'CdrIngestService', 'CustomerService', 'InvoiceService', 'RatingService'].map(
        (s) => `billing.v1.${s}`,
      ),
    );
    expect(ALL_RPCS.map((r) => r.kind)).toEqual(
      expect.arrayContaining(['unary', 'server_streaming', 'bidi_streaming']),
    );
  });

  it.each(RPCS.map((rpc) => ({ rpc, index: ALL_RPCS.indexOf(rpc), name: rpc.name })))(
    '$name answers every input deliberately and the server stays SERVING',
    async ({ rpc, index }) => {
      inFlight.clear();
      onTestFailed(() => {
        if (inFlight.size) console.error(`calls still unanswered:\n  ${[...inFlight].join('\n  ')}`);
      });
      const seed = SEED + index;
      const problems = new ProblemLog();
      await fc.assert(
        fc.asyncProperty(fc.array(callArb(rpc), { minLength: BATCH, maxLength: BATCH }), async (calls) => {
          const answers = await Promise.all(calls.map(send));
          calls.forEach((call, i) => {
            const problem = problemWith(call, answers[i]!);
            if (problem) problems.record(call, problem);
          });
          const health = await healthStatus(t.address);
          if (health !== 'SERVING') throw new Error(`after a batch of ${rpc.name} the server is ${health}`);
        }),
        {
          seed,
          numRuns: RUNS_PER_RPC,
          endOnFailure: true, // the server is stateful: shrinking would replay against changed data
          reporter: (run) => {
            if (run.failed)
              throw new Error(
                `${String(run.errorInstance)}\n(FUZZ_SEED=${SEED}; this RPC's seed ${run.seed}, run ${run.numRuns})`,
              );
          },
        },
      );
      expect(
        problems.lines(),
        `${rpc.name}: calls answered without a deliberate status (FUZZ_SEED=${SEED}, seed ${seed})`,
      ).toEqual([]);
    },
    120_000,
  );

  it('leaves nothing half-stored and stays SERVING', async () => {
    expect(await healthStatus(t.address)).toBe('SERVING');
    const db = t.service.database;
    if (RPCS.length === ALL_RPCS.length) {
      // The fuzzing reached storage, pricing and invoicing, or the checks below would prove little.
      const after = await storedCounts(db);
      expect(after.cdrs, 'CDRs stored by the fuzzing').toBeGreaterThan(before.cdrs);
      expect(after.invoices, 'invoices made by the fuzzing').toBeGreaterThan(before.invoices);
    }
    expect(
      await cdrsWithoutExactlyOneCurrentCharge(db),
      'CDRs whose current charges do not match their rating status',
    ).toEqual([]);
    expect(
      await dailyTotalsDifferingFromChargesPerCustomer(db),
      'daily totals vs current charges, per customer and currency',
    ).toEqual([]);
    expect(
      await dailyTotalsDifferingFromChargesPerDay(db),
      'daily totals vs current charges, per customer and local day',
    ).toEqual([]);
    expect(
      await invoicesWhoseLinesDoNotSumToTotals(db),
      'invoices whose totals do not follow from their lines',
    ).toEqual([]);
  }, 60_000);
});

/**
 * What cdr_ingest_service.proto promises about a stream's batch sequences and SubmitCdrs' request
 * id, over a real socket: a sequence used twice on one stream ends it with INVALID_ARGUMENT naming
 * `batch.sequence`; a SubmitCdrs retry answers the first result and stores nothing again, and its
 * request id reused with other CDRs is FAILED_PRECONDITION.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { type ClientError, Status } from 'nice-grpc';
import { BadRequest, RichClientError } from 'nice-grpc-error-details';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchSequences } from '../../src/app/ingest/batch-sequences';
import {
  CdrIngestServiceDefinition,
  type StreamCdrsRequest,
} from '../../src/gen/billing/v1/cdr_ingest_service';
import { CdrOutcome, type Cdr } from '../../src/gen/billing/v1/cdr';
import { AccessType } from '../../src/gen/billing/v1/common';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { createCustomers } from '../support/customers';
import { expectStatus } from '../support/expect-status';
import { startTestService, type TestService } from '../support/test-service';
import { streamOf } from '../support/stream-of';
import { answeredCall } from '../support/answered-call';

const BRIDGE = 'contract-bridge';

let t: TestService;
let tokensFile: string;
beforeAll(async () => {
  // Its own tokens file: the bridge token bound to this file's bridge id.
  tokensFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'contract-tokens-')), 'tokens.json');
  fs.writeFileSync(
    tokensFile,
    JSON.stringify({
      tokens: [
        {
          name: 'test-bridge',
          role: 'bridge',
          token: 'test-bridge-token-0123456789abcdef',
          bridgeIds: [BRIDGE],
        },
        { name: 'test-sales', role: 'sales', token: 'test-sales-token-0123456789abcdef' },
      ],
    }),
  );
  t = await startTestService({ env: { BILLING_TOKENS_FILE: tokensFile } });
  await createCustomers(t.client(CustomerServiceDefinition, 'sales'), ['SC-1']);
});
afterAll(async () => {
  await t?.stop();
  fs.rmSync(path.dirname(tokensFile), { recursive: true, force: true });
});

function cdr(recordId: string, overrides: Partial<Cdr> = {}): Cdr {
  const call = answeredCall({
    bridgeId: BRIDGE,
    recordId,
    conferenceId: 'conf-1',
    customerAccount: 'SC-1',
    accessType: AccessType.ACCESS_TYPE_WEB,
    start: new Date(Date.now() - 3600_000),
    seconds: 120,
  });
  return { ...call, ...overrides };
}

async function stored(prefix: string): Promise<string[]> {
  const knex = t.service.database.orm.em.getKnex();
  const result = await knex.raw<{ rows: { record_id: string }[] }>(
    `select record_id from cdrs where record_id like ? order by record_id`,
    [`${prefix}%`],
  );
  return result.rows.map((r) => r.record_id);
}

/** Sends the batches on one stream; returns the acknowledged sequences and the error that ended it, if any. */
async function stream(
  batches: { sequence: string; cdrs: Cdr[] }[],
): Promise<{ acks: string[]; error?: ClientError }> {
  function* requests(): Iterable<StreamCdrsRequest> {
    for (const batch of batches) yield { batch };
  }
  const acks: string[] = [];
  try {
    for await (const ack of t.client(CdrIngestServiceDefinition, 'bridge').streamCdrs(streamOf(requests())))
      acks.push(ack.sequence);
    return { acks };
  } catch (error) {
    return { acks, error: error as ClientError };
  }
}

describe('BatchSequences', () => {
  it('refuses exactly the sequences claimed before, in any order', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: 40n }), { maxLength: 80 }), (sequences) => {
        const guard = new BatchSequences();
        const seen = new Set<bigint>();
        for (const s of sequences) {
          expect(guard.claim(s)).toBe(!seen.has(s));
          seen.add(s);
        }
      }),
    );
  });

  it('holds a counting sender in one range however long the stream', () => {
    const guard = new BatchSequences();
    for (let s = 1n; s <= 100_000n; s++) guard.claim(s);
    expect(guard.rangeCount).toBe(1);
    expect(guard.claim(18_446_744_073_709_551_615n)).toBe(true); // uint64 max
    expect(guard.rangeCount).toBe(2);
  });
});

describe('StreamCdrs batch sequences', () => {
  it('a sequence used twice on one stream ends it with INVALID_ARGUMENT naming batch.sequence; that batch stores nothing', async () => {
    const { acks, error } = await stream([
      { sequence: '7', cdrs: [cdr('seq-a')] },
      { sequence: '3', cdrs: [cdr('seq-b')] }, // unique, though not increasing: the proto asks only for uniqueness
      { sequence: '7', cdrs: [cdr('seq-c')] },
      { sequence: '8', cdrs: [cdr('seq-d')] },
    ]);
    expect(acks).toEqual(['7', '3']);
    expect(error?.code).toBe(Status.INVALID_ARGUMENT);
    expect(error?.details).toContain('batch.sequence: 7 was already used on this stream');
    const details = error instanceof RichClientError ? error.extra : [];
    const violations = details.flatMap((d) => (d.$type === BadRequest.$type ? d.fieldViolations : []));
    expect(violations.map((v) => v.field)).toEqual(['batch.sequence']);
    expect(await stored('seq-')).toEqual(['seq-a', 'seq-b']);
  });

  it('commits and acknowledges, in order, every batch read ahead of the one that ends the stream', async () => {
    // Sent at once, the small batches queue behind the first commit and commit together (group
    // commit); the bad one must not cost them their acknowledgement.
    const good = Array.from({ length: 30 }, (_, i) => ({
      sequence: String(i + 1),
      cdrs: [cdr(`ahead-${String(i).padStart(2, '0')}`)],
    }));
    const { acks, error } = await stream([...good, { sequence: '5', cdrs: [cdr('ahead-bad')] }]);
    expect(acks).toEqual(good.map((b) => b.sequence));
    expect(error?.code).toBe(Status.INVALID_ARGUMENT);
    expect(error?.details).toContain('batch.sequence: 5 was already used on this stream');
    expect(await stored('ahead-')).toEqual(good.map((b) => b.cdrs[0]!.recordId));
  });

  it('a new stream may use the same sequences again (resending unacknowledged batches)', async () => {
    expect((await stream([{ sequence: '1', cdrs: [cdr('again-a')] }])).acks).toEqual(['1']);
    const second = await stream([
      { sequence: '1', cdrs: [cdr('again-a')] },
      { sequence: '2', cdrs: [cdr('again-b')] },
    ]);
    expect(second).toEqual({ acks: ['1', '2'] });
    expect(await stored('again-')).toEqual(['again-a', 'again-b']);
  });
});

describe('SubmitCdrs request_id', () => {
  it('a retry with the same request answers the first result and stores nothing again', async () => {
    const client = t.client(CdrIngestServiceDefinition, 'bridge');
    const request = {
      requestId: 'idem-1',
      cdrs: [cdr('idem-a'), cdr('idem-b', { durationSeconds: 999_999 })],
    };
    const first = await client.submitCdrs(request);
    expect(first.results.map((r) => r.outcome)).toEqual([
      CdrOutcome.CDR_OUTCOME_ACCEPTED,
      CdrOutcome.CDR_OUTCOME_REJECTED,
    ]);
    const again = await client.submitCdrs(request);
    expect(again).toEqual(first); // ACCEPTED stays ACCEPTED, with the same charge and rating status
    expect(await stored('idem-')).toEqual(['idem-a']);
    // Another request id with the same CDRs is a new request: dedup by CDR key answers DUPLICATE.
    const other = await client.submitCdrs({ ...request, requestId: 'idem-2' });
    expect(other.results[0]!.outcome).toBe(CdrOutcome.CDR_OUTCOME_DUPLICATE);
  });

  it('a record with a NUL character is REJECTED alone, and a retry answers the same result', async () => {
    // Its result echoes the ids it was sent, NUL included; the stored answer must hold them.
    const client = t.client(CdrIngestServiceDefinition, 'bridge');
    const request = { requestId: 'nul-1', cdrs: [cdr('nul-a'), cdr('nul-b\u0000')] };
    const first = await client.submitCdrs(request);
    expect(first.results.map((r) => [r.recordId, r.outcome])).toEqual([
      ['nul-a', CdrOutcome.CDR_OUTCOME_ACCEPTED],
      ['nul-b\u0000', CdrOutcome.CDR_OUTCOME_REJECTED],
    ]);
    expect(first.results[1]!.violations.map((v) => v.field)).toContain('record_id');
    expect(await client.submitCdrs(request)).toEqual(first);
    expect(await stored('nul-')).toEqual(['nul-a']);
  });

  it('the same request_id with other CDRs is FAILED_PRECONDITION and stores nothing', async () => {
    const client = t.client(CdrIngestServiceDefinition, 'bridge');
    await client.submitCdrs({ requestId: 'reuse-1', cdrs: [cdr('reuse-a')] });
    const error = await expectStatus(
      client.submitCdrs({ requestId: 'reuse-1', cdrs: [cdr('reuse-b')] }),
      Status.FAILED_PRECONDITION,
    );
    expect(error.details).toContain(
      'request_id "reuse-1" was already used for a different CdrIngestService.SubmitCdrs request',
    );
    expect(await stored('reuse-')).toEqual(['reuse-a']);
  });

  it('holds when every CDR was rejected, and for twins sent at the same time', async () => {
    const client = t.client(CdrIngestServiceDefinition, 'bridge');
    const rejected = { requestId: 'rej-1', cdrs: [cdr('rej-a', { durationSeconds: 999_999 })] };
    expect((await client.submitCdrs(rejected)).results[0]!.outcome).toBe(CdrOutcome.CDR_OUTCOME_REJECTED);
    await expectStatus(
      client.submitCdrs({ requestId: 'rej-1', cdrs: [cdr('rej-a')] }),
      Status.FAILED_PRECONDITION,
    );

    const twin = { requestId: 'twin-1', cdrs: [cdr('twin-a'), cdr('twin-b')] };
    const [a, b] = await Promise.all([client.submitCdrs(twin), client.submitCdrs(twin)]);
    expect(a).toEqual(b);
    expect(a.results.map((r) => r.outcome)).toEqual([
      CdrOutcome.CDR_OUTCOME_ACCEPTED,
      CdrOutcome.CDR_OUTCOME_ACCEPTED,
    ]);
    expect(await stored('twin-')).toEqual(['twin-a', 'twin-b']);
  });

  it('an empty request_id is INVALID_ARGUMENT naming request_id', async () => {
    const error = await expectStatus(
      t.client(CdrIngestServiceDefinition, 'bridge').submitCdrs({ requestId: '', cdrs: [cdr('noid-a')] }),
      Status.INVALID_ARGUMENT,
    );
    expect(error.details).toContain('request_id');
    expect(await stored('noid-')).toEqual([]);
  });
});

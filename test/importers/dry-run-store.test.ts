/** A dry run goes through ingestCdrs itself, with a store that remembers only this run. */
import { describe, expect, it } from 'vitest';
import { ingestCdrs } from '../../src/app/ingest/ingest-cdrs';
import { FixedClock } from '../../src/app/clock';
import { dryRunIngestDeps } from '../../src/importers/dry-run-store';
import type { CdrDraft } from '../../src/domain/cdr-validation';
import { anyString } from './matching';

const leg = (recordId: string, durationSeconds = 60): CdrDraft => ({
  bridgeId: 'b',
  recordId,
  conferenceId: 'c',
  customerAccount: 'ACME',
  accessType: 'local_dial_in',
  startTime: new Date('2026-11-02T10:00:00Z'),
  answerTime: new Date('2026-11-02T10:00:00Z'),
  endTime: new Date('2026-11-02T10:01:00Z'),
  durationSeconds,
  features: [],
});
const clock = new FixedClock('2026-12-01T00:00:00Z');

describe('dry-run ingest', () => {
  it('validates with validateCdr and tells accepted, duplicate, conflict and rejected apart across batches', async () => {
    const deps = dryRunIngestDeps(clock);
    const first = await ingestCdrs(deps, [leg('r1'), { ...leg('r2'), customerAccount: '' }]);
    expect(first.map((r) => r.outcome)).toEqual(['accepted', 'rejected']);
    expect(first[1]!.violations).toEqual([{ field: 'customer_account', reason: anyString() }]);
    expect(first[0]!.rating).toEqual({ rated: false, reason: 'dry run: not priced' });
    const second = await ingestCdrs(deps, [leg('r1'), leg('r1', 30)]);
    expect(second.map((r) => r.outcome)).toEqual(['duplicate', 'conflict']);
  });
});

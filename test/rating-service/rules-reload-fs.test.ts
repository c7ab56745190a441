/**
 * The live rule book over a real socket while rule files change the way they really do: saved by
 * rename, a rule-set directory replaced or re-created, the rules symlink re-pointed to a new
 * release, a plain write. Twenty changes in a row, each followed by a quote and a CDR that must be
 * priced by it; a refused set in between must keep the last good one and not stop later reloads.
 * Regression: the old recursive fs.watch went deaf after directories were re-created.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { RatingStatus } from '../../src/gen/billing/v1/cdr';
import { AccessType } from '../../src/gen/billing/v1/common';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { RatingServiceDefinition } from '../../src/gen/billing/v1/rating_service';
import { createCustomers } from '../support/customers';
import { REPO_ROOT, startTestService, type TestService } from '../support/test-service';
import { RulesTree, WAYS, misspellFact, setSePeak, until } from '../rating/rule-dir-changes';

let t: TestService;
let tree: RulesTree;
beforeAll(async () => {
  tree = await RulesTree.create(path.join(REPO_ROOT, 'rules'));
  t = await startTestService({ rulesDir: tree.dir }); // BILLING_RULES_DIR is the symlink
  await createCustomers(t.client(CustomerServiceDefinition, 'sales'), ['CUST-FS']);
  // The wiring src/service.ts needs for the rule-set gauges; setting it twice is harmless.
  t.service.metrics.observeRuleSets(() => t.service.rating.liveView);
});
afterAll(async () => {
  await t?.stop();
  await tree?.remove();
});

// Tuesday 10:00 in Stockholm: peak; card do_SE bills per second without a connect fee: 300 s cost 5 x the rate.
const call = {
  accessType: AccessType.ACCESS_TYPE_DIAL_OUT,
  calledNumber: '+46812345678',
  startTime: new Date('2026-11-03T09:00:00Z'),
  durationSeconds: 300,
};
const amountAt = (rate: string) => (Number(rate) * 5).toFixed(2);

async function scrape(): Promise<string> {
  return (await fetch(`http://127.0.0.1:${t.service.metricsPort}/metrics`)).text();
}

describe('rule files changed the way files really change', () => {
  it('prices the next quote and CDR by the new rules after each of 20 changes, through every way, past refused sets', async () => {
    const rating = t.client(RatingServiceDefinition, 'finance');
    const ingest = t.client(CdrIngestServiceDefinition, 'bridge');
    const active = () => rating.getActiveRuleSet({ at: call.startTime });
    const quote = () =>
      rating.quoteCall({ ...call, customerAccount: '', features: [], participants: 1, ruleSetHash: '' });

    for (let i = 0; i < 20; i++) {
      const way = WAYS[i % WAYS.length]!;
      const round = `round ${i}: ${way}`;
      const before = (await active()).ruleSet!.ref!.contentHash;
      const rate = `0.${10 + i}`;

      if (i % 4 === 1) {
        // Every way once: a typo is refused, the last good set keeps pricing, and the fix still goes live below.
        const priced = (await quote()).pricePerParticipant;
        await tree.change(way, 'standard-2026', misspellFact(true));
        // A half-written directory may be refused first (a missing file); wait for the typo's own refusal.
        const typo = (r: Awaited<ReturnType<typeof active>>) =>
          Boolean(r.lastRefusedReload?.violations.some((v) => v.reason.includes('acessType')));
        const refused = await until(active, typo, `${round} refused`);
        expect(refused.ruleSet!.ref!.contentHash, round).toBe(before);
        expect((await quote()).pricePerParticipant, round).toEqual(priced);
        expect(await scrape(), round).toMatch(/^billing_rule_files_match_live 0$/m);
      }

      await tree.change(way, 'standard-2026', (docs) => {
        misspellFact(false)(docs);
        setSePeak(rate)(docs);
      });
      const hash = await tree.hashOnDisk('standard-2026');
      expect(hash, round).not.toBe(before);
      const live = await until(
        active,
        (r) => r.ruleSet!.ref!.contentHash === hash && !r.lastRefusedReload,
        round,
      );

      const quoted = await quote();
      expect(quoted.explanation!.ruleSet!.contentHash, round).toBe(hash);
      expect(quoted.pricePerParticipant!.amount, round).toBe(amountAt(rate));
      const [charged] = (await ingest.submitCdrs({ requestId: `fs-${i}`, cdrs: [cdr(`fs-${i}`)] })).results;
      expect(charged!.ratingStatus, round).toBe(RatingStatus.RATING_STATUS_RATED);
      expect(charged!.ruleSetHash, round).toBe(hash);
      expect(charged!.charge, round).toEqual(quoted.pricePerParticipant);

      // An operator sees which set is live, that it is what is on disk, and the replaced one is gone.
      const metrics = await scrape();
      expect(metrics, round).toMatch(
        new RegExp(`^billing_rule_set_info\\{hash="${hash}",name="[^"]+",version="[^"]+"\\} 1$`, 'm'),
      );
      expect(metrics, round).not.toContain(`hash="${before}"`);
      expect(metrics, round).toMatch(/^billing_rule_files_match_live 1$/m);
      const loadedAt = Number(/^billing_rule_set_loaded_timestamp_seconds (\S+)$/m.exec(metrics)?.[1]);
      expect(loadedAt, round).toBeCloseTo(live.ruleSet!.loadedAt!.getTime() / 1000, 3);
    }
  }, 240_000);
});

function cdr(recordId: string) {
  return {
    bridgeId: 'rating-bridge',
    recordId,
    conferenceId: 'c-fs',
    bookingId: '',
    customerAccount: 'CUST-FS',
    accessType: call.accessType,
    callerNumber: '',
    calledNumber: call.calledNumber,
    startTime: call.startTime,
    answerTime: call.startTime,
    endTime: new Date(call.startTime.getTime() + call.durationSeconds * 1000),
    durationSeconds: call.durationSeconds,
    features: [],
  };
}

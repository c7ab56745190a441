/**
 * Each half of RatingRuntime.watch on its own, on real files: the file-event watcher must survive
 * every way rule files change (re-created directories, a re-pointed symlink), and the content
 * rescan must catch every change by itself (it is the safety net for events a platform loses).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RatingRuntime, type WatchOptions } from '../../src/app/rating/rating-runtime';
import { ruleDirectory } from '../../src/rules-files/rule-directory';
import { cdr } from './fixture';
import { RulesTree, WAYS, setSePeak, until } from './rule-dir-changes';

// Tuesday 10:00 in Stockholm: peak; per-second card do_SE, no connect fee, so 300 s cost 5 x the rate.
const call = cdr({ calledNumber: '+46812345678', start: '2026-11-03T09:00:00Z', seconds: 300 });
const amountAt = (rate: string) => (Number(rate) * 5).toFixed(2);

let tree: RulesTree | undefined;
let stop: (() => void) | undefined;
afterEach(async () => {
  stop?.();
  await tree?.remove();
});

const priced = (live: RatingRuntime) => {
  const decision = live.rate(call);
  return decision.rated ? decision.charge : undefined;
};

async function everyWay(options: WatchOptions, rounds: number) {
  tree = await RulesTree.create('rules');
  const live = new RatingRuntime(
    ruleDirectory(tree.dir),
    { save: async () => {} },
    { info() {}, error() {} },
  );
  expect(await live.reload()).toBe(true);
  expect(priced(live)?.amount).toBe(amountAt('0.06'));
  stop = live.watch(options);
  for (let i = 0; i < rounds; i++) {
    const way = WAYS[i % WAYS.length]!;
    const before = priced(live)!.ruleSetHash;
    const rate = `0.${10 + i}`;
    await tree.change(way, 'standard-2026', setSePeak(rate));
    const onDisk = await tree.hashOnDisk('standard-2026');
    expect(onDisk).not.toBe(before);
    const after = await until(
      () => priced(live),
      (c) => c?.ruleSetHash === onDisk,
      `round ${i}: ${way}`,
    );
    expect(after, `round ${i}: ${way}`).toMatchObject({ amount: amountAt(rate) });
    expect(live.liveView?.filesMatchLive).toBe(true);
  }
}

// A round that never reloads fails with its own message (until's 60 s bound) before the test's timeout.
describe('RatingRuntime.watch', () => {
  it('file events alone (no rescan) see 20 changes in a row, cycling through every way files change', async () => {
    await everyWay({ debounceMs: 50, rescanMs: 0 }, 20);
  }, 90_000);

  it('the content rescan alone (no file events) sees every way files change', async () => {
    await everyWay({ events: false, rescanMs: 100 }, 10);
  }, 90_000);
});

/**
 * One run of `npm run bench:promotion` (spawned with --trace-gc-nvp, which prints each collection's
 * promoted bytes): rates CDRS generated calls with the shipped rules, 20 at a time every 20 ms (1,000
 * CDRs/s in ingest's batch size), reads what ingest reads of each, keeps the batch until the next
 * tick, and drops it. MODE `outcome` keeps the rating outcomes alone (the baseline); `decision` keeps
 * the decisions ingest stores (decisionOf), so the difference is what the decision adds.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { decisionOf } from '../../src/app/rating/rating-runtime';
import { ACCESS_TYPES, type Cdr } from '../../src/domain/cdr';
import { loadRuleBook } from '../../src/rules-files/load';

const MODE = process.argv[2];
const CDRS = Number(process.argv[3] ?? 30_000);
const BATCH = 20;
if (MODE !== 'outcome' && MODE !== 'decision') throw new Error('mode: outcome | decision');

const loaded = await loadRuleBook(process.env.BILLING_RULES_DIR ?? './rules');
if (!loaded.ok) throw new Error('the rules do not load');
const book = loaded.book;
const prefixes = Object.keys(book.sets[0]!.source.destinations.prefixes);
let seed = 7;
const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0), seed / 4294967296);
const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
const from = Date.parse('2026-11-01T00:00:00Z');

function call(i: number): Cdr {
  const start = new Date(from + Math.floor(rnd() * 20 * 86_400) * 1000);
  const seconds = Math.floor(rnd() * 3600);
  return {
    bridgeId: 'bench',
    recordId: String(i),
    conferenceId: `conf-${i >> 4}`,
    customerAccount: 'C-1',
    accessType: pick(ACCESS_TYPES),
    callerNumber: '+46812345678',
    calledNumber: `${pick(prefixes)}1234567`,
    startTime: start,
    answerTime: start,
    endTime: new Date(start.getTime() + seconds * 1000),
    durationSeconds: seconds,
    features: [],
  };
}

let read = 0;
let held: unknown[] = [];
for (let b = 0; b < CDRS / BATCH; b++) {
  const batch: unknown[] = [];
  for (let k = 0; k < BATCH; k++) {
    const cdr = call(b * BATCH + k);
    const outcome = book.rate(cdr, { customerAccount: cdr.customerAccount });
    if (MODE === 'outcome') {
      if (outcome.rated) read += outcome.parts.length;
      batch.push(outcome);
    } else {
      const decision = decisionOf(outcome);
      if (decision.rated)
        read += decision.charge.parts.length + decision.charge.quantities!(cdr.durationSeconds).billedSeconds;
      batch.push(decision);
    }
  }
  held = batch; // held until the next batch, as a batch in flight is until its commit
  await sleep(BATCH);
}
console.log(`done ${held.length} ${read}`);

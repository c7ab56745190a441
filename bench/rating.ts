/**
 * Rating benchmark: `tsx bench/rating.ts [CDRS=1000000] [ENGINE_SAMPLE=20000]`.
 * Prices generated CDRs with the shipped rule set (BILLING_RULES_DIR or ./rules: 300+ prefixes,
 * 40+ rules, peak/off-peak/weekend/holiday, contracts) on one core, then, in the same run, prices a
 * sample of the same CDRs with a plain json-rules-engine `engine.run` per CDR over the same rules
 * (followed by the same pricing code), checks the results are identical and prints the ratio.
 * Money is computed in scaled integers (src/domain/rating/price.ts); `npm run bench:rating-equality`
 * checks it against the exact decimal reference on 1,000,000 random (rule set, call) pairs.
 * Rates are wall-clock; the CPU-time rate beside it is what one core does when the machine is shared.
 */
import { loadRuleBook } from '../src/rules-files/load';
import { isIntegerPriced, ReferenceRater, type PricingContext } from '../src/domain/rating/index';
import { ACCESS_TYPES, FEATURES, type Cdr, type Feature } from '../src/domain/cdr';

const N = Number(process.argv[2] ?? 1_000_000);
const SAMPLE = Math.min(N, Number(process.argv[3] ?? 20_000));
const dir = process.env.BILLING_RULES_DIR ?? './rules';

let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0), seed / 4294967296);
const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;

const loaded = await loadRuleBook(dir);
if (!loaded.ok) {
  for (const v of loaded.violations) console.error(`${v.file}: ${v.jsonPath}: ${v.reason}`);
  process.exit(1);
}
const book = loaded.book;
const set0 = book.sets[0]!;
const prefixes = Object.keys(set0.source.destinations.prefixes);

const contexts: PricingContext[] = [
  { customerAccount: 'C-1' },
  { customerAccount: 'C-2', timeZone: 'America/New_York' },
  { customerAccount: 'ACME-001', contract: { id: 'ACME-2024-07', pricePlan: 'enterprise' } },
  { customerAccount: 'NGO-1', contract: { id: 'K-NGO', pricePlan: 'nonprofit' } },
  {
    customerAccount: 'UNI-1',
    timeZone: 'Europe/London',
    contract: { id: 'K-UNI', pricePlan: 'education', discountPercent: '5' },
  },
  {
    customerAccount: 'BIG-7',
    contract: {
      id: 'K-BIG',
      specialPrices: [
        { accessType: 'dial_out', zone: 'EU', ratePerMinute: '0.06' },
        { accessType: 'toll_free_dial_in', ratePerMinute: '0.03' },
      ],
    },
  },
  { customerAccount: 'C-3', timeZone: 'Asia/Tokyo' },
];
const from = Date.parse('2025-01-01T00:00:00Z');
const span = Date.parse('2026-12-31T00:00:00Z') - from;

const work = new Array<{ cdr: Cdr; ctx: PricingContext }>(N);
for (let i = 0; i < N; i++) {
  const accessType = pick(ACCESS_TYPES);
  const number = pick(prefixes) + String(Math.floor(rnd() * 1e7)).padStart(7, '0');
  const start = from + Math.floor((rnd() * span) / 1000) * 1000;
  const r = rnd();
  const durationSeconds =
    r < 0.05
      ? 0
      : r < 0.6
        ? Math.floor(rnd() * 600)
        : r < 0.97
          ? Math.floor(rnd() * 3600)
          : Math.floor(rnd() * 10800);
  const features: Feature[] = rnd() < 0.2 ? [pick(FEATURES)] : [];
  const ctx = contexts[i % contexts.length]!;
  work[i] = {
    ctx,
    cdr: {
      bridgeId: 'bridge-1',
      recordId: String(i),
      conferenceId: `conf-${i >> 4}`,
      customerAccount: ctx.customerAccount,
      accessType,
      calledNumber: accessType === 'dial_out' || accessType === 'local_dial_in' ? number : '+46850000000',
      callerNumber: accessType === 'toll_free_dial_in' ? number : undefined,
      startTime: new Date(start),
      answerTime: new Date(start),
      endTime: new Date(start + durationSeconds * 1000),
      durationSeconds,
      features,
    },
  };
}
const set = book.ruleSetAt(new Date('2025-06-01T00:00:00Z'))!;
console.log(
  `rule sets: ${book.sets.map((s) => `${s.name} ${s.version}`).join(', ')}; ${prefixes.length} prefixes, ${set.rules.length} rules, ${set.rateCards.size} rate cards`,
);

// warm up, then our path
for (let i = 0; i < Math.min(N, 50_000); i++) book.rate(work[i]!.cdr, work[i]!.ctx);
let rated = 0;
let integer = 0;
let checksum = 0;
const fastAmounts = new Array<string>(SAMPLE);
const t0 = process.hrtime.bigint();
const cpu0 = process.cpuUsage();
for (let i = 0; i < N; i++) {
  const o = book.rate(work[i]!.cdr, work[i]!.ctx);
  if (o.rated) {
    rated++;
    checksum += o.amount.length;
    if (i < SAMPLE) fastAmounts[i] = o.amount;
  } else if (i < SAMPLE) fastAmounts[i] = `unrated: ${o.reason}`;
}
const cpu = process.cpuUsage(cpu0);
const fastS = Number(process.hrtime.bigint() - t0) / 1e9;
const fastRate = N / fastS;
const cpuRate = N / ((cpu.user + cpu.system) / 1e6);
for (let i = 0; i < N; i++) if (isIntegerPriced(book.rate(work[i]!.cdr, work[i]!.ctx))) integer++;
console.log(
  `our path:          ${N} CDRs in ${fastS.toFixed(2)} s = ${Math.round(fastRate).toLocaleString('en')} CDRs/s (${Math.round(cpuRate).toLocaleString('en')} CDRs per CPU-second) (${rated} rated, ${N - rated} not rated; ${integer} in integer money, ${rated - integer} by the decimal fallback) [${checksum}]`,
);

// plain engine.run per CDR over the same rules (facts prepared the same way), then the same pricing
const ref = new ReferenceRater(book);
for (let i = 0; i < Math.min(SAMPLE, 1000); i++) await ref.rate(work[i]!.cdr, work[i]!.ctx);
const t1 = process.hrtime.bigint();
let mismatches = 0;
for (let i = 0; i < SAMPLE; i++) {
  const o = await ref.rate(work[i]!.cdr, work[i]!.ctx);
  const a = o.rated ? o.amount : `unrated: ${o.reason}`;
  if (a !== fastAmounts[i]) {
    if (mismatches++ < 5) console.error(`MISMATCH at ${i}: fast ${fastAmounts[i]} engine ${a}`);
  }
}
const slowS = Number(process.hrtime.bigint() - t1) / 1e9;
const slowRate = SAMPLE / slowS;

// engine.run alone, no pricing, on the same facts
const engine = ref.engine(set);
const facts = [];
for (let i = 0; i < SAMPLE; i++) {
  const p = set.prepare(work[i]!.cdr, work[i]!.ctx);
  if (typeof p !== 'string') facts.push(p.facts);
}
const t2 = process.hrtime.bigint();
for (const f of facts) await engine.run({ ...f });
const runS = Number(process.hrtime.bigint() - t2) / 1e9;
const runRate = facts.length / runS;

console.log(
  `engine.run + same pricing: ${SAMPLE} CDRs in ${slowS.toFixed(2)} s = ${Math.round(slowRate).toLocaleString('en')} CDRs/s`,
);
console.log(
  `engine.run alone:  ${facts.length} runs in ${runS.toFixed(2)} s = ${Math.round(runRate).toLocaleString('en')} runs/s`,
);
console.log(
  `ratio: ${(fastRate / slowRate).toFixed(1)}x engine.run+pricing, ${(fastRate / runRate).toFixed(1)}x engine.run alone`,
);
console.log(
  `identical results on the ${SAMPLE} sampled CDRs: ${mismatches === 0 ? 'yes' : `NO, ${mismatches} differ`}`,
);
console.log(
  `goal 500,000 CDRs/s: ${fastRate >= 500_000 ? 'met' : 'not met'} (per CPU-second: ${cpuRate >= 500_000 ? 'met' : 'not met'}); goal 100x engine.run: ${fastRate / runRate >= 100 ? 'met' : 'not met'}`,
);
if (mismatches) process.exitCode = 1;

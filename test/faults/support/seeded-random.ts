/**
 * The kill moments of the SIGKILL tests come from a seeded PRNG (mulberry32), so a failing run can
 * be replayed: the seed is printed, and BILLING_KILL_SEED=<seed> runs the same draws again. The
 * process timing around them still varies; the seed fixes what the test chooses, not the machine.
 */
export interface SeededRandom {
  seed: number;
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [low, high). */
  between(low: number, high: number): number;
}

export function seededRandom(label: string): SeededRandom {
  const fromEnv = process.env.BILLING_KILL_SEED;
  const seed =
    fromEnv && /^\d+$/.test(fromEnv) ? Number(fromEnv) >>> 0 : (Date.now() ^ (process.pid << 16)) >>> 0;
  console.log(`${label}: kill seed ${seed} (replay with BILLING_KILL_SEED=${seed})`);
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { seed, next, between: (low, high) => low + next() * (high - low) };
}

/** `count` sorted points in [low, high): where, in a workload's progress, the kills land. */
export function killPoints(random: SeededRandom, count: number, low: number, high: number): number[] {
  return Array.from({ length: count }, () => random.between(low, high)).sort((x, y) => x - y);
}

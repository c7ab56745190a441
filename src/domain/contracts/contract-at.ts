/** The validity window every contract shape shares: from `validFrom` (inclusive) to `validTo` (exclusive). */
export interface ValidityWindow {
  validFrom: Date;
  validTo?: Date;
}

/**
 * The contract in force at `instant`: of those whose window holds it (validFrom <= instant < validTo),
 * the one that started last. Ingest (pricing a call) and invoicing (the period's cycle and anchor)
 * both ask this question and must get the same answer.
 */
export function contractAt<T extends ValidityWindow>(contracts: readonly T[], instant: Date): T | undefined {
  const t = instant.getTime();
  let found: T | undefined;
  for (const k of contracts) {
    const holds = k.validFrom.getTime() <= t && (!k.validTo || t < k.validTo.getTime());
    if (holds && (!found || k.validFrom.getTime() > found.validFrom.getTime())) found = k;
  }
  return found;
}

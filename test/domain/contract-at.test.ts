import { describe, expect, it } from 'vitest';
import { contractAt } from '../../src/domain/contracts/contract-at';

const d = (iso: string) => new Date(iso);
const contracts = [
  { id: 'a', validFrom: d('2026-01-01T00:00:00Z'), validTo: d('2026-07-01T00:00:00Z') },
  { id: 'b', validFrom: d('2026-03-01T00:00:00Z') },
  { id: 'c', validFrom: d('2026-09-01T00:00:00Z'), validTo: d('2026-10-01T00:00:00Z') },
];

describe('contractAt', () => {
  it('picks the latest-starting contract whose window holds the instant', () => {
    expect(contractAt(contracts, d('2026-02-15T00:00:00Z'))?.id).toBe('a');
    expect(contractAt(contracts, d('2026-03-01T00:00:00Z'))?.id).toBe('b');
    expect(contractAt(contracts, d('2026-09-15T00:00:00Z'))?.id).toBe('c');
    expect(contractAt(contracts, d('2026-10-01T00:00:00Z'))?.id).toBe('b');
  });

  it('treats validFrom as inclusive and validTo as exclusive', () => {
    expect(contractAt(contracts.slice(0, 1), d('2026-01-01T00:00:00Z'))?.id).toBe('a');
    expect(contractAt(contracts.slice(0, 1), d('2026-07-01T00:00:00Z'))).toBeUndefined();
    expect(contractAt(contracts, d('2025-12-31T23:59:59Z'))).toBeUndefined();
  });
});

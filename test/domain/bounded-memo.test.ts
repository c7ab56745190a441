import { describe, expect, it } from 'vitest';
import { BoundedMemo } from '../../src/domain/bounded-memo';

describe('BoundedMemo', () => {
  it('computes a key once, remembers no failure, and starts over when full', () => {
    const memo = new BoundedMemo<number>(2);
    let calls = 0;
    const square = (n: number) => () => {
      calls += 1;
      return n * n;
    };
    expect(memo.get('3', square(3))).toBe(9);
    expect(memo.get('3', square(3))).toBe(9);
    expect(calls).toBe(1);
    expect(() =>
      memo.get('bad', () => {
        throw new RangeError('bad');
      }),
    ).toThrow(RangeError);
    expect(memo.get('bad', () => 1)).toBe(1);
    // Full with '3' and 'bad': a third key starts over, so '3' is computed again.
    memo.get('4', square(4));
    memo.get('3', square(3));
    expect(calls).toBe(3);
  });
});

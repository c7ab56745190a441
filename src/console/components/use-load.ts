/** Runs a read call when its inputs change; returns loading, the value or the error. */
import { useCallback, useEffect, useState } from 'react';

export type Load<T> =
  { state: 'loading' } | { state: 'done'; value: T } | { state: 'failed'; error: unknown };

export function useLoad<T>(call: () => Promise<T>, deps: unknown[]): [Load<T>, () => void] {
  const [load, setLoad] = useState<Load<T>>({ state: 'loading' });
  const [generation, setGeneration] = useState(0);
  const run = useCallback(call, deps);
  useEffect(() => {
    let current = true;
    setLoad({ state: 'loading' });
    run().then(
      (value) => current && setLoad({ state: 'done', value }),
      (error: unknown) => current && setLoad({ state: 'failed', error }),
    );
    return () => {
      current = false;
    };
  }, [run, generation]);
  return [load, () => setGeneration((g) => g + 1)];
}

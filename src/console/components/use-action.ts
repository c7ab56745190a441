/** A call the user starts (close, issue, credit): running flag, last error and its field violations. */
import { useState } from 'react';
import { fieldViolations, type Violation } from '../api/field-violations';

export interface Action<A extends unknown[], T> {
  running: boolean;
  error: unknown;
  violations: Violation[];
  result: T | undefined;
  run(...args: A): Promise<T | undefined>;
}

export function useAction<A extends unknown[], T>(call: (...args: A) => Promise<T>): Action<A, T> {
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [result, setResult] = useState<T | undefined>(undefined);
  return {
    running,
    error,
    result,
    violations: fieldViolations(error),
    async run(...args: A) {
      setRunning(true);
      setError(undefined);
      try {
        const value = await call(...args);
        setResult(value);
        return value;
      } catch (e) {
        setError(e);
        return undefined;
      } finally {
        setRunning(false);
      }
    },
  };
}

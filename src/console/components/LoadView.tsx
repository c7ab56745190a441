/** Loading, error and empty states of a read, and the content once it is there. */
import type { ReactNode } from 'react';
import { ErrorBanner } from './ErrorBanner';
import type { Load } from './use-load';

interface Props<T> {
  load: Load<T>;
  isEmpty?: (value: T) => boolean;
  empty?: string;
  children: (value: T) => ReactNode;
}

export function LoadView<T>({ load, isEmpty, empty = 'Nothing to show.', children }: Props<T>) {
  if (load.state === 'loading')
    return (
      <p className="loading" role="status" aria-live="polite">
        Loading…
      </p>
    );
  if (load.state === 'failed') return <ErrorBanner error={load.error} />;
  if (isEmpty?.(load.value)) return <p className="empty">{empty}</p>;
  return <>{children(load.value)}</>;
}

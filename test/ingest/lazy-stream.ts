/**
 * The requests of a client stream, pulled one at a time as the transport asks for the next, as an
 * async generator would (the transport's backpressure stays visible to the test), from a plain
 * generator that has nothing to await.
 */
export function lazyStream<T>(items: Iterable<T>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]() {
      const it = items[Symbol.iterator]();
      return {
        next: () => Promise.resolve(it.next()),
        return: (value?: unknown) =>
          Promise.resolve(it.return?.(value) ?? ({ done: true, value } as IteratorResult<T>)),
      };
    },
  };
}

/**
 * A sequence as the AsyncIterable a client-streaming call takes. Items are pulled one at a time as
 * the transport asks for them, so a test that counts what was pulled still sees back-pressure.
 */
export function streamOf<T>(items: Iterable<T>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]() {
      const iterator = items[Symbol.iterator]();
      return { next: () => Promise.resolve(iterator.next()) };
    },
  };
}

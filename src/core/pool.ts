/**
 * Run `worker` over every item with at most `concurrency` in flight. Items are pulled
 * lazily, so a generator of a billion targets costs no memory. Stops pulling when
 * `signal` aborts; in-flight work finishes. A worker's exception stops the pool and
 * is rethrown (workers are expected to turn expected failures into results).
 * @example await runPool(targets, 200, async (target) => probe(target))
 */
export async function runPool<T>(
  items: Iterable<T> | AsyncIterable<T>,
  concurrency: number,
  worker: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const iterator = Symbol.asyncIterator in items ? (items as AsyncIterable<T>)[Symbol.asyncIterator]() : (items as Iterable<T>)[Symbol.iterator]();
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (!failure && !signal?.aborted) {
      const next = await iterator.next();
      if (next.done) return;
      try {
        await worker(next.value);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
  if (failure) throw failure.error;
}

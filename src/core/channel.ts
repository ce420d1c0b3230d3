/**
 * A queue one side pushes into while the other iterates it asynchronously, until it is closed:
 * lets work found by one stage (the services that answered a sweep) start while that stage is
 * still running. Unbounded: for items that are few next to what produced them.
 */

export interface Channel<T> extends AsyncIterable<T> {
  /** Adds an item; ignored once closed. */
  push(item: T): void;
  /** No more items: iteration ends once the queued ones are taken. */
  close(): void;
}

/**
 * @example const answers = createChannel<Target>(); const grabbing = runPool(answers, 8, grab); answers.push(target); answers.close(); await grabbing
 */
export function createChannel<T>(): Channel<T> {
  const queued: T[] = [];
  const waiting: Array<(result: IteratorResult<T>) => void> = [];
  let closed = false;
  return {
    push(item) {
      if (closed) return;
      const waiter = waiting.shift();
      if (waiter) waiter({ value: item, done: false });
      else queued.push(item);
    },
    close() {
      closed = true;
      for (const waiter of waiting.splice(0)) waiter({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]: () => ({
      next: () => {
        if (queued.length > 0) return Promise.resolve({ value: queued.shift()!, done: false });
        if (closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise<IteratorResult<T>>((resolve) => waiting.push(resolve));
      },
    }),
  };
}

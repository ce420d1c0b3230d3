/**
 * The buffer between tcpdump's stdout and one consumer. While the capture runs it applies
 * back-pressure (the producer is paused above a high-water mark, so a slow consumer makes
 * tcpdump block and the kernel buffer absorb the burst, then count drops). Once a stop is
 * requested the limit is lifted, because tcpdump can only exit after writing its last packets:
 * a paused pipe would otherwise deadlock `stop()` when the consumer is not reading. The tail
 * tcpdump writes after a stop is small; a hard cap bounds it anyway.
 */
import { OpenNoticeError } from '../../core/errors.ts';

export interface ChunkQueueOptions {
  /** Pause the producer once this many bytes wait for the consumer. */
  highWaterBytes: number;
  /** After `unlimit()`: bytes that may wait before `onOverflow` is called and further chunks are dropped. */
  hardCapBytes: number;
  pause(): void;
  resume(): void;
  /** The consumer stopped iterating before the end (break, return, throw). */
  onAbandon(): void;
  /** More than `hardCapBytes` waited after `unlimit()`. */
  onOverflow(): void;
}

export interface ChunkQueue {
  push(chunk: Uint8Array): void;
  /** No more chunks; `failure`, when given, is thrown to the consumer after the queued chunks. */
  end(failure?: Error): void;
  /** Stop applying back-pressure (a stop was requested). */
  unlimit(): void;
  /** The consumer's side; can be iterated once. */
  readonly chunks: AsyncIterable<Uint8Array>;
  readonly queuedBytes: number;
}

/**
 * @example
 * const queue = createChunkQueue({ highWaterBytes: 1 << 20, hardCapBytes: 64 << 20, pause: () => stream.pause(), resume: () => stream.resume(), onAbandon: stop, onOverflow: kill });
 * stream.on('data', (chunk) => queue.push(chunk)); stream.on('end', () => queue.end());
 * for await (const chunk of queue.chunks) parser.push(chunk);
 */
export function createChunkQueue(options: ChunkQueueOptions): ChunkQueue {
  const waiting: Uint8Array[] = [];
  let queuedBytes = 0;
  let paused = false;
  let limited = true;
  let ended = false;
  let failure: Error | undefined;
  let abandoned = false;
  let overflowed = false;
  let iterated = false;
  let wake: (() => void) | undefined;

  const notify = () => {
    const waiter = wake;
    wake = undefined;
    waiter?.();
  };

  const push = (chunk: Uint8Array) => {
    // After abandonment or overflow the bytes are still read (so the producer can finish) but dropped.
    if (ended || abandoned || overflowed || chunk.byteLength === 0) return;
    waiting.push(chunk);
    queuedBytes += chunk.byteLength;
    if (limited && !paused && queuedBytes >= options.highWaterBytes) {
      paused = true;
      options.pause();
    } else if (!limited && queuedBytes > options.hardCapBytes) {
      overflowed = true;
      options.onOverflow();
    }
    notify();
  };

  const resumeIfPaused = () => {
    if (!paused) return;
    paused = false;
    options.resume();
  };

  async function* consume(): AsyncGenerator<Uint8Array> {
    let finished = false;
    try {
      for (;;) {
        const chunk = waiting.shift();
        if (chunk !== undefined) {
          queuedBytes -= chunk.byteLength;
          if (paused && queuedBytes <= options.highWaterBytes / 2) resumeIfPaused();
          yield chunk;
          continue;
        }
        if (ended) {
          finished = true;
          if (failure !== undefined) throw failure;
          return;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    } finally {
      if (!finished) {
        abandoned = true;
        waiting.length = 0;
        queuedBytes = 0;
        resumeIfPaused();
        options.onAbandon();
      }
    }
  }

  return {
    push,
    end(error?: Error) {
      if (ended) return;
      ended = true;
      failure = error;
      notify();
    },
    unlimit() {
      limited = false;
      resumeIfPaused();
    },
    chunks: {
      [Symbol.asyncIterator]() {
        if (iterated) throw new OpenNoticeError('INTERNAL', 'a live capture stream can be read only once');
        iterated = true;
        return consume();
      },
    },
    get queuedBytes() {
      return queuedBytes;
    },
  };
}

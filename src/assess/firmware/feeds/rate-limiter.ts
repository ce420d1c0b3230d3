/**
 * A rolling-window rate limiter: at most `limit` acquisitions in any `windowMs`. The NVD
 * API counts requests in a rolling 30-second window (5 without an API key, 50 with one).
 * Clock and sleep are injected so tests can run minutes of traffic in no time.
 */

export interface RateLimiterOptions {
  limit: number;
  windowMs: number;
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface RateLimiter {
  /** Resolves when one more request may be sent (and counts it). */
  acquire(signal?: AbortSignal): Promise<void>;
}

/**
 * Create a limiter; its request history lives in the closure.
 * @example
 * const limiter = createRateLimiter({ limit: 5, windowMs: 30_000, now: Date.now, sleep })
 * await limiter.acquire() // the 6th call within 30 s waits until the 1st is 30 s old
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const sent: number[] = [];
  return {
    async acquire(signal) {
      // Bounded: each pass either returns or sleeps until the oldest request leaves the window.
      for (let pass = 0; pass < 1000; pass++) {
        const now = options.now();
        while (sent.length > 0 && sent[0] <= now - options.windowMs) sent.shift();
        if (sent.length < options.limit) {
          sent.push(now);
          return;
        }
        await options.sleep(sent[0] + options.windowMs - now, signal);
      }
      throw new Error('rate limiter: the clock does not advance');
    },
  };
}

/**
 * A sleep that an AbortSignal cuts short (rejecting with the signal's reason).
 * @example await abortableSleep(6000, io.signal)
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

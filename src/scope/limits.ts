/**
 * Admission control for new connections: a global rate (token bucket), a global
 * concurrency cap and a per-host concurrency cap. All waiting is FIFO so no target
 * starves. One instance per survey; nothing here is module state.
 */

export interface RateOptions {
  /** New connections per second, across all targets. */
  connectionsPerSecond: number;
  /** Connections open at once, across all targets. */
  maxConcurrent: number;
  /** Connections open at once to one address. */
  perHostConcurrent: number;
  /**
   * UDP only: request datagrams to one address per time window, whatever the port, on top of
   * the limits above. Defaults to `defaultDatagramsPerTarget` (1 per second).
   */
  datagramsPerTarget?: TargetRateOptions;
}

/** A per-address request rate: at most `requests` datagrams per `windowMs`. */
export interface TargetRateOptions {
  requests: number;
  windowMs: number;
}

/** One request per address per second: a polite UDP survey, which no reflector can be asked to amplify faster. */
export const defaultDatagramsPerTarget: Readonly<TargetRateOptions> = { requests: 1, windowMs: 1000 };

export interface Admission {
  /** Waits for a slot for `host`; resolves with a release function (call exactly once). */
  admit(host: string, signal?: AbortSignal): Promise<() => void>;
  readonly open: number;
}

interface Waiter {
  host: string;
  resolve: () => void;
}

/**
 * @example const admission = createAdmission({ connectionsPerSecond: 500, maxConcurrent: 200, perHostConcurrent: 2 })
 */
export function createAdmission(options: RateOptions, now: () => number = () => performance.now()): Admission {
  const perHost = new Map<string, number>();
  const queue: Waiter[] = [];
  let open = 0;
  const interval = 1000 / options.connectionsPerSecond;
  // Allow a burst of up to a tenth of a second's worth of connections, at least 1.
  const burst = Math.max(1, Math.floor(options.connectionsPerSecond / 10));
  let nextSlotAt = now() - burst * interval;

  const canOpen = (host: string) => open < options.maxConcurrent && (perHost.get(host) ?? 0) < options.perHostConcurrent;

  const take = (host: string) => {
    open++;
    perHost.set(host, (perHost.get(host) ?? 0) + 1);
  };

  const wakeWaiters = () => {
    for (let index = 0; index < queue.length && open < options.maxConcurrent; ) {
      const waiter = queue[index]!;
      if (canOpen(waiter.host)) {
        queue.splice(index, 1);
        take(waiter.host);
        waiter.resolve();
      } else index++;
    }
  };

  const release = (host: string) => {
    open--;
    const count = (perHost.get(host) ?? 1) - 1;
    if (count <= 0) perHost.delete(host);
    else perHost.set(host, count);
    wakeWaiters();
  };

  const waitForRateToken = async (signal?: AbortSignal) => {
    const current = now();
    nextSlotAt = Math.max(nextSlotAt + interval, current - burst * interval);
    const delay = nextSlotAt - current;
    if (delay > 0) await sleep(delay, signal);
  };

  return {
    get open() {
      return open;
    },
    async admit(host, signal) {
      if (canOpen(host) && queue.length === 0) take(host);
      else {
        await new Promise<void>((resolve, reject) => {
          const onAbort = () => {
            const index = queue.indexOf(waiter);
            if (index >= 0) {
              queue.splice(index, 1);
              reject(signal?.reason);
            }
          };
          // The listener goes when the slot is granted: a survey's one signal sees millions of
          // admissions, and listeners left behind make every later addEventListener slower.
          const waiter: Waiter = {
            host,
            resolve: () => {
              signal?.removeEventListener('abort', onAbort);
              resolve();
            },
          };
          queue.push(waiter);
          signal?.addEventListener('abort', onAbort, { once: true });
        });
      }
      try {
        await waitForRateToken(signal);
      } catch (error) {
        release(host);
        throw error;
      }
      let released = false;
      return () => {
        if (released) return;
        released = true;
        release(host);
      };
    },
  };
}

/**
 * Waits, or rejects with the signal's reason as soon as it aborts (timer cleared).
 * @example await sleep(250, signal)
 */
export function sleep(milliseconds: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, milliseconds);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

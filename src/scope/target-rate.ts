/**
 * Per-target pacing for UDP requests: at most `requests` datagrams to one address per
 * `windowMs`, measured between actual sends. A reflector-style service answers every
 * datagram, so the survey paces each address on its own, on top of the global rate.
 * One instance per dialer; nothing here is module state.
 */
import { sleep, type TargetRateOptions } from './limits.ts';

/** One request's place in an address's line. Exactly one of `sent`/`cancel` should be called; both are idempotent. */
export interface TargetTurn {
  /** The datagram is being sent now: records the time and lets the next request for the address wait its turn. */
  sent(): void;
  /** Nothing was sent (the query failed before its send): lets the next request go without recording. */
  cancel(): void;
}

export interface TargetPacer {
  /** Waits until `address` may receive another request; rejects with the signal's reason on abort. */
  turn(address: string, signal?: AbortSignal): Promise<TargetTurn>;
  /** Addresses with recent sends still remembered (bounded by sweeping, for tests and monitoring). */
  readonly tracked: number;
}

export interface PacerClock {
  now(): number;
  sleep(milliseconds: number, signal?: AbortSignal): Promise<void>;
}

const realClock: PacerClock = { now: () => performance.now(), sleep };

/**
 * Requests to one address go one at a time through its turn: each waits until the last
 * `requests` sends are a full window old, sends, then passes the turn on. Waiting happens
 * before global admission, so a paced request holds no concurrency slot while it waits.
 * @example const pacer = createTargetPacer({ requests: 1, windowMs: 1000 }); const turn = await pacer.turn('192.0.2.1'); send(); turn.sent()
 */
export function createTargetPacer(options: TargetRateOptions, clock: PacerClock = realClock): TargetPacer {
  if (!(Number.isInteger(options.requests) && options.requests >= 1 && options.windowMs >= 0)) {
    throw new RangeError(`invalid per-target rate: ${options.requests} per ${options.windowMs} ms`);
  }
  /** The last `requests` send times per address, oldest first. */
  const sends = new Map<string, number[]>();
  /** Addresses whose turn is taken, with the requests waiting for it in order. */
  const lines = new Map<string, Array<() => void>>();
  let sweepAt = 1024;

  const pass = (address: string) => {
    const line = lines.get(address)!;
    const next = line.shift();
    if (next) next();
    else lines.delete(address);
  };

  const waitInLine = (address: string, signal?: AbortSignal): Promise<void> => {
    const line = lines.get(address);
    if (!line) {
      lines.set(address, []);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        const index = line.indexOf(granted);
        if (index >= 0) line.splice(index, 1);
        reject(signal!.reason);
      };
      const granted = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      line.push(granted);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  };

  const delayFor = (address: string): number => {
    const times = sends.get(address);
    if (!times || times.length < options.requests) return 0;
    // +1: timers may fire up to a millisecond early against performance.now().
    return Math.max(0, Math.ceil(times[times.length - options.requests]! + options.windowMs - clock.now()) + 1);
  };

  const record = (address: string) => {
    const times = sends.get(address) ?? [];
    times.push(clock.now());
    if (times.length > options.requests) times.splice(0, times.length - options.requests);
    sends.set(address, times);
    // Forget addresses whose sends are a window old; amortised so the map stays about the
    // size of the addresses contacted within one window.
    if (sends.size > sweepAt) {
      const cutoff = clock.now() - options.windowMs;
      for (const [known, knownTimes] of sends) if (knownTimes[knownTimes.length - 1]! <= cutoff) sends.delete(known);
      sweepAt = Math.max(1024, sends.size * 2);
    }
  };

  return {
    get tracked() {
      return sends.size;
    },
    async turn(address, signal) {
      await waitInLine(address, signal);
      try {
        const delay = delayFor(address);
        if (delay > 0) await clock.sleep(delay, signal);
      } catch (error) {
        pass(address);
        throw error;
      }
      let done = false;
      return {
        sent() {
          if (done) return;
          done = true;
          record(address);
          pass(address);
        },
        cancel() {
          if (done) return;
          done = true;
          pass(address);
        },
      };
    },
  };
}

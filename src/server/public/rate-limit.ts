/**
 * A per-address request limit for the public pages ("check my connection", the opt-out
 * form): at most `limit` requests in any `windowMs`. State lives in the limiter object the
 * page module creates, bounded by `maxKeys` so a flood of addresses cannot grow it without end.
 */

export interface RateLimiter {
  /** Count one request from `key`; false when it is over the limit (the request is not counted). */
  allow(key: string): boolean;
  /** Seconds until `key` may send again (0 when it may now). */
  retryAfterSeconds(key: string): number;
}

export interface RateLimitOptions {
  limit: number;
  windowMs: number;
  now(): Date;
  /** Addresses remembered at most (default 10,000); the longest-idle ones are forgotten first. */
  maxKeys?: number;
}

/**
 * @example const limiter = createRateLimiter({ limit: 10, windowMs: 60_000, now: () => new Date() }); if (!limiter.allow(ip)) return tooMany()
 */
export function createRateLimiter(options: RateLimitOptions): RateLimiter {
  const maxKeys = options.maxKeys ?? 10_000;
  /** Times (ms) of the requests counted in the current window, oldest first, per key. */
  const recent = new Map<string, number[]>();
  const current = (key: string, now: number): number[] => {
    const times = (recent.get(key) ?? []).filter((time) => time > now - options.windowMs);
    // Re-inserting moves the key to the end, so the map's first keys are the longest idle.
    recent.delete(key);
    if (times.length > 0) recent.set(key, times);
    return times;
  };
  return {
    allow(key) {
      const now = options.now().getTime();
      const times = current(key, now);
      if (times.length >= options.limit) return false;
      times.push(now);
      recent.set(key, times);
      while (recent.size > maxKeys) recent.delete(recent.keys().next().value!);
      return true;
    },
    retryAfterSeconds(key) {
      const now = options.now().getTime();
      const times = current(key, now);
      if (times.length < options.limit) return 0;
      return Math.max(1, Math.ceil((times[0]! + options.windowMs - now) / 1000));
    },
  };
}

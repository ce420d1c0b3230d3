/**
 * The demo lives a month in a few minutes: its clock starts `startDaysAgo` days ago and jumps
 * whole days when the demo says so, while the real seconds since the start keep adding up
 * (so time never runs backwards, and d days after an event is at least d days). Everything the demo
 * writes (runs, findings, reports, deliveries) is dated by it, so the store reads like a
 * month of a real programme and the remediation curves have real days on their axis.
 */
export interface DemoClock {
  now(): Date;
  /** Whole days since the start of the simulated month. */
  day(): number;
  /** Move the clock to the start of `day` (never backwards). */
  advanceTo(day: number): void;
}

const dayMs = 86_400_000;

/** @example const clock = demoClock({ startDaysAgo: 30 }); clock.advanceTo(7); clock.now() // a week after the start */
export function demoClock(options: { startDaysAgo: number; realNow?: () => number }): DemoClock {
  const realNow = options.realNow ?? Date.now;
  const start = Math.floor(realNow() / dayMs) * dayMs - options.startDaysAgo * dayMs + 9 * 3_600_000; // 09:00 UTC, so dates do not depend on when the demo ran
  const startedAt = realNow();
  let current = 0;
  return {
    now: () => new Date(start + current * dayMs + (realNow() - startedAt)),
    day: () => current,
    advanceTo(day) {
      if (day < current) throw new RangeError(`the demo clock does not go back (day ${current} → ${day})`);
      current = day;
    },
  };
}

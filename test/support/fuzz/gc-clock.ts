/**
 * How much of a stretch of time the garbage collector took. A fuzz input over its CPU bound is
 * reported with this figure: two recog inputs took 3 s of CPU once and 20 ms ever after, and a
 * collection of the worker's whole heap landing in one input is the first thing to rule in or out.
 * Node reports collections to a PerformanceObserver a turn of the event loop later, so the caller
 * lets the loop turn before asking.
 */
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

/** Collections kept: enough for the seconds around one slow input, bounded for a million inputs. */
const keptCollections = 4096;

export interface GcClock {
  /** Milliseconds of collection overlapping [from, to) (both `performance.now()` times). */
  collectedWithin(from: number, to: number): number;
  stop(): void;
}

/** @example const clock = startGcClock(); …; await new Promise(setImmediate); clock.collectedWithin(began, ended) */
export function startGcClock(): GcClock {
  const recent: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) recent.push(entry);
    if (recent.length > keptCollections) recent.splice(0, recent.length - keptCollections);
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    collectedWithin(from, to) {
      let total = 0;
      for (const entry of recent) total += Math.max(0, Math.min(to, entry.startTime + entry.duration) - Math.max(from, entry.startTime));
      return total;
    },
    stop: () => observer.disconnect(),
  };
}

/**
 * Periodic contact ("beaconing"): a bot that calls home every N seconds, give or take jitter,
 * leaves flow start times whose intervals are nearly equal. Judged per bot, then summarised
 * per endpoint, so one chatty bot does not make an endpoint look periodic.
 */
import type { Beaconing } from './candidate.ts';

/** Fewest contacts (so three intervals) before a rhythm is judged. */
export const minimumBeaconContacts = 4;
/** Regularity at or above which a bot's contacts count as beaconing. */
export const beaconRegularityThreshold = 0.7;

const median = (sorted: readonly number[]): number => {
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/**
 * One bot's rhythm from its contact start times (epoch ms, any order): median interval and
 * regularity, or undefined with too few contacts. Contacts closer than a second are one
 * contact (a retry or a second connection of the same call).
 * @example contactRhythm([0, 60_000, 121_000, 180_000]) // { periodSeconds: 60, regularity: 0.98… }
 */
export function contactRhythm(startTimesMs: readonly number[]): { periodSeconds: number; regularity: number } | undefined {
  const sorted = [...startTimesMs].sort((a, b) => a - b);
  const intervals: number[] = [];
  for (let index = 1; index < sorted.length; index++) {
    const gap = sorted[index]! - sorted[index - 1]!;
    if (gap >= 1000) intervals.push(gap);
  }
  if (intervals.length < minimumBeaconContacts - 1) return undefined;
  intervals.sort((a, b) => a - b);
  const period = median(intervals);
  const deviations = intervals.map((gap) => Math.abs(gap - period)).sort((a, b) => a - b);
  const regularity = Math.max(0, 1 - median(deviations) / period);
  return { periodSeconds: period / 1000, regularity };
}

/**
 * The endpoint's beaconing from its bots' contact times, or undefined when no bot beacons.
 * @example endpointBeaconing([[0, 60e3, 120e3, 180e3], [5e3, 65e3, 125e3, 185e3]])?.beaconingBots // 2
 */
export function endpointBeaconing(contactTimesPerBot: Iterable<readonly number[]>): Beaconing | undefined {
  const rhythms = [];
  for (const times of contactTimesPerBot) {
    const rhythm = contactRhythm(times);
    if (rhythm && rhythm.regularity >= beaconRegularityThreshold) rhythms.push(rhythm);
  }
  if (rhythms.length === 0) return undefined;
  return {
    periodSeconds: Math.round(median(rhythms.map((rhythm) => rhythm.periodSeconds).sort((a, b) => a - b))),
    regularity: Math.round(median(rhythms.map((rhythm) => rhythm.regularity).sort((a, b) => a - b)) * 1000) / 1000,
    beaconingBots: rhythms.length,
  };
}

/**
 * How often each device class needs looking at again, from its measured rates: a class whose
 * services vanish or whose findings get fixed quickly is due every round; a class that hardly
 * changes can wait. The interval is the number of rounds until a change has become as likely
 * as not (capped), so a re-probe before then mostly confirms what is known.
 */
import { deviceClassesOf, type DeviceClass } from './device-classes.ts';
import type { ProbeStatistics } from './statistics.ts';

/** Longest wait, in rounds: even a class that never changed is looked at this often. */
export const maxRescanInterval = 4;

export interface ClassSchedule {
  deviceClass: DeviceClass;
  /** P(a service of the class is gone by the next round). */
  changeRate: number;
  /** Share of its open findings fixed per round. */
  remediationRate: number;
  /** Rounds between re-probes of its known services (1 = every round). */
  intervalRounds: number;
}

/**
 * The rescan schedule of every device class.
 * @example rescanSchedule(statistics).find((entry) => entry.deviceClass === 'ip-camera')?.intervalRounds // 2
 */
export function rescanSchedule(statistics: Pick<ProbeStatistics, 'survival' | 'remediation'>): ClassSchedule[] {
  return deviceClassesOf().map((deviceClass) => {
    const changeRate = 1 - statistics.survival(deviceClass);
    const remediationRate = statistics.remediation(deviceClass);
    // P(no change in one round); the first round in which "changed" reaches one half.
    const steady = (1 - changeRate) * (1 - remediationRate);
    const untilLikely = steady >= 1 ? Infinity : Math.ceil(Math.log(0.5) / Math.log(steady));
    return { deviceClass, changeRate, remediationRate, intervalRounds: Math.max(1, Math.min(maxRescanInterval, untilLikely)) };
  });
}

/**
 * Weight of a known service's re-probe: full once its class is due (rounds since it was last
 * seen reach the interval), half before — deferred behind likelier finds, never dropped.
 * @example dueWeight(2, 3) // 0.5
 */
export function dueWeight(roundsSinceSeen: number, intervalRounds: number): number {
  return roundsSinceSeen >= intervalRounds ? 1 : 0.5;
}

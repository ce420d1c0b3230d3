/**
 * Simulated subscribers: after a notice, does the owner of a lab device fix it, and how
 * many days later? The lab applies the fixes (LabHandle.remediate) so that re-surveys and
 * tracking see real remediation curves, and so a channel comparison has an effect to find.
 *
 * Calibration (docs/lab-remediation.md has the full reasoning):
 * Çetin et al., "Cleaning Up the Internet of Evil Things", NDSS 2019 — a randomized
 * controlled trial with 220 Mirai-infected subscribers of a medium-sized ISP:
 *  - notice in a walled garden (quarantine): 92 % remediated within 14 days;
 *  - e-mail only: no observable difference from the control group;
 *  - no notice (control group, and two reference networks): 58–74 % "natural" remediation.
 * Their devices were infected (a reboot clears Mirai); a weak password needs a deliberate
 * change, so these shares are an optimistic upper bound for credentials. They are the only
 * controlled measurement we know of, so they are the default; callers can pass their own.
 *
 * Distribution: a cure-rate model. An owner fixes at all with probability `eventualShare`
 * (the others never do — the device stays weak until replaced); the time to fix of those
 * who do is exponential, with the daily rate chosen so that the share fixed by day 14
 * equals the calibration target: rate = −ln(1 − target / eventualShare) / 14. Exponential
 * because the trial's curves fall fastest in the first days after the notice.
 *
 * Common random numbers: an owner's two draws depend on (seed, ip) only, not on the
 * channel. Since every stronger channel has both a higher eventual share and a higher
 * rate, an owner who fixes after an e-mail also fixes after a walled-garden notice, and
 * no later — channel comparisons differ by the channel, not by the luck of the draw.
 */
import { createRandom, hashText } from '../core/random.ts';

/** How the notice reaches the owner ('none': the control group, nobody is told). */
export type RemediationChannel = 'email' | 'walled-garden' | 'isp-managed' | 'none';
export const remediationChannels: readonly RemediationChannel[] = ['none', 'email', 'walled-garden', 'isp-managed'];

export interface ChannelCalibration {
  /** Share of owners who ever fix their device; the rest never do. */
  eventualShare: number;
  /** Share fixed within 14 days of the notice: the calibration target. */
  shareBy14Days: number;
  /** Where the numbers come from. */
  source: string;
}

/** The day the calibration targets refer to (Çetin et al. report remediation within 14 days). */
export const calibrationDay = 14;

/**
 * Default calibration per channel. The 14-day shares for walled garden, e-mail and no
 * notice come from Çetin et al. (NDSS 2019); the eventual shares and the ISP-managed
 * channel are this project's assumptions, stated as such.
 */
export const defaultRemediationCalibration: Readonly<Record<RemediationChannel, ChannelCalibration>> = {
  none: {
    eventualShare: 0.8,
    shareBy14Days: 0.66,
    source: 'Çetin et al. NDSS 2019: natural remediation 58–74 % (control group and reference networks); midpoint',
  },
  email: {
    eventualShare: 0.82,
    shareBy14Days: 0.69,
    source: 'Çetin et al. NDSS 2019: e-mail only had no observable effect over the control group; +3 points, inside the trial noise',
  },
  'walled-garden': {
    eventualShare: 0.97,
    shareBy14Days: 0.92,
    source: 'Çetin et al. NDSS 2019: walled-garden notice remediated 92 % within 14 days',
  },
  'isp-managed': {
    eventualShare: 0.99,
    shareBy14Days: 0.98,
    source: 'assumption: the ISP pushes a new configuration to the routers it rents; a few are offline or replaced',
  },
};

export interface RemediationDecision {
  ip: string;
  channel: RemediationChannel;
  /** True when the owner fixes the device at some point. */
  fixes: boolean;
  /** Whole days after the notice when the device is fixed (1 = during the first day); set when `fixes`. */
  afterDays?: number;
}

export interface RemediationModel {
  readonly channel: RemediationChannel;
  readonly calibration: ChannelCalibration;
  /** Rate of the exponential time to fix, per day, derived from the calibration. */
  readonly dailyRate: number;
  /** What the owner of `ip` does after a notice on this channel (same seed and ip: same answer). */
  decide(ip: string): RemediationDecision;
  /** True when the device at `ip` is fixed within `days` days of its notice. */
  fixedWithin(ip: string, days: number): boolean;
}

/**
 * A seeded, per-address remediation model for one channel.
 * @example
 * const model = remediationModel({ seed: 1, channel: 'walled-garden' });
 * model.decide('127.77.3.9') // { ip: '127.77.3.9', channel: 'walled-garden', fixes: true, afterDays: 2 } (for example)
 * ips.filter((ip) => model.fixedWithin(ip, 14)) // about 92 % of them
 */
export function remediationModel(options: { seed: number; channel: RemediationChannel; calibration?: ChannelCalibration }): RemediationModel {
  const { seed, channel } = options;
  const calibration = options.calibration ?? defaultRemediationCalibration[channel];
  const { eventualShare, shareBy14Days } = calibration;
  if (!(eventualShare > 0 && eventualShare <= 1 && shareBy14Days > 0 && shareBy14Days < eventualShare)) {
    throw new RangeError(`remediation calibration needs 0 < shareBy14Days < eventualShare <= 1, got ${shareBy14Days} and ${eventualShare}`);
  }
  const dailyRate = -Math.log(1 - shareBy14Days / eventualShare) / calibrationDay;

  const decide = (ip: string): RemediationDecision => {
    const random = createRandom(hashText(`remediation:${seed}:${ip}`));
    const willFix = random.next();
    const timing = random.next();
    if (willFix >= eventualShare) return { ip, channel, fixes: false };
    // Inverse of the exponential distribution function; the ceiling makes it whole days (≥ 1).
    const days = -Math.log(1 - timing) / dailyRate;
    return { ip, channel, fixes: true, afterDays: Math.max(1, Math.ceil(days)) };
  };

  return {
    channel,
    calibration,
    dailyRate,
    decide,
    fixedWithin(ip, days) {
      const decision = decide(ip);
      return decision.fixes && decision.afterDays! <= days;
    },
  };
}

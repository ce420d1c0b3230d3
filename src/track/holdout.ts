/**
 * Randomized hold-out, so the effect of notifying is measured rather than guessed: a fixed
 * share of findings is assigned to a control group that is notified only after a delay (or
 * through another channel). The assignment is a keyed hash of the finding id — deterministic,
 * reproducible by anyone with the key, and independent of everything about the finding.
 */
import { createHash } from 'node:crypto';

export interface HoldoutPolicy {
  /** Share of findings in the control group, 0..1 (0 disables the hold-out). */
  share: number;
  /** Secret-ish key so the assignment cannot be predicted from ids alone; record it with the study. */
  key: string;
  /** Control findings are notified this many days after they would have been. */
  delayDays: number;
}

export type StudyGroup = 'notified' | 'holdout';

/**
 * @example assignGroup(42, { share: 0.1, key: 'study-2026', delayDays: 14 }) // 'notified' or 'holdout', always the same for 42
 */
export function assignGroup(findingId: number, policy: HoldoutPolicy): StudyGroup {
  if (policy.share <= 0) return 'notified';
  const digest = createHash('sha256').update(`${policy.key}\u0000${findingId}`).digest();
  return digest.readUInt32BE(0) / 2 ** 32 < policy.share ? 'holdout' : 'notified';
}

/**
 * Whether a finding may go into a report now: control findings wait `delayDays` after they were first seen.
 * @example mayNotify({ id: 42, firstSeen: '2026-01-01T00:00:00Z' }, policy, '2026-01-20T00:00:00Z')
 */
export function mayNotify(finding: { id: number; firstSeen: string }, policy: HoldoutPolicy | undefined, now: string): boolean {
  if (policy === undefined || assignGroup(finding.id, policy) === 'notified') return true;
  return Date.parse(now) - Date.parse(finding.firstSeen) >= policy.delayDays * 86_400_000;
}

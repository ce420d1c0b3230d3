/**
 * Which of an ISP's findings go into its next report. Accumulate, then batch: a finding is
 * reported when it is open and either was never reported to this ISP, or was reported at
 * least `renotifyAfterDays` ago and a check since then found it still there. An ISP is not
 * nagged about a finding nobody has looked at again, nor twice in one interval. Findings on
 * critical devices have the top priority (priority.ts): they come first, and their interval is
 * `criticalRenotifyAfterDays`.
 */
import type { NotifiableFinding } from '../core/records.ts';
import type { NotificationTimes } from '../store/roles/reports.ts';
import { byNotificationPriority, notificationPriorities, notificationPriority } from './priority.ts';

export interface SelectionPolicy {
  /** Default 30: monthly reminders, NOTICE's cadence of re-surveys. */
  renotifyAfterDays?: number;
  /** Default 7: a critical device still open after a week is worth a reminder. */
  criticalRenotifyAfterDays?: number;
  now: string;
}

export interface Selection {
  /** Never reported before; critical devices first. */
  fresh: NotifiableFinding[];
  /** Reported before, interval passed, confirmed open since; critical devices first. */
  reminders: NotifiableFinding[];
  /** Left out: reported within the interval, or not re-checked since the last report. */
  held: number;
}

/**
 * @example selectForReport(await store.listNotifiableFindings({ ispId, status: 'open' }), await store.notificationTimes({ ispId }), { now })
 */
export function selectForReport(findings: readonly NotifiableFinding[], notified: ReadonlyMap<number, NotificationTimes>, policy: SelectionPolicy): Selection {
  const normalIntervalMs = (policy.renotifyAfterDays ?? 30) * 86_400_000;
  const criticalIntervalMs = (policy.criticalRenotifyAfterDays ?? 7) * 86_400_000;
  const now = Date.parse(policy.now);
  const selection: Selection = { fresh: [], reminders: [], held: 0 };
  for (const finding of findings) {
    if (finding.status !== 'open') continue;
    const reportedAt = notified.get(finding.id)?.last;
    const intervalMs = notificationPriority(finding) === notificationPriorities.critical ? criticalIntervalMs : normalIntervalMs;
    if (reportedAt === undefined) selection.fresh.push(finding);
    else if (now - Date.parse(reportedAt) >= intervalMs && finding.lastSeen > reportedAt) selection.reminders.push(finding);
    else selection.held++;
  }
  return { ...selection, fresh: byNotificationPriority(selection.fresh), reminders: byNotificationPriority(selection.reminders) };
}

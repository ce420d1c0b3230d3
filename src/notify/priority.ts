/**
 * Notification priority. Findings on critical devices (monitors and controllers of power,
 * water, gas, solar, buildings) come first everywhere a notification orders findings, and are
 * re-notified sooner: a hijacked solar monitor or building controller harms more than its
 * owner, and the sector's contacts are told as well (sector-reports.ts).
 */
import type { NotifiableFinding } from '../core/records.ts';

/** Ranks, lowest first. */
export const notificationPriorities = { critical: 0, normal: 1 } as const;

/**
 * @example notificationPriority({ deviceType: 'critical', … }) // 0
 */
export function notificationPriority(finding: Pick<NotifiableFinding, 'deviceType'>): number {
  return finding.deviceType === 'critical' ? notificationPriorities.critical : notificationPriorities.normal;
}

/**
 * The findings, critical ones first; otherwise in the order given (a stable sort).
 * @example byNotificationPriority(selection.fresh)[0].deviceType // 'critical' when any is
 */
export function byNotificationPriority<T extends Pick<NotifiableFinding, 'deviceType'>>(findings: readonly T[]): T[] {
  return [...findings].sort((a, b) => notificationPriority(a) - notificationPriority(b));
}

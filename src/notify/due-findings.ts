/**
 * What one recipient of a report (an ISP, a system integrator) is due: its open findings that
 * the hold-out lets through, selected as new or due for a reminder by the times it was told.
 * ISP and integrator reports read it the same way; only the recipient filter differs.
 */
import type { NotifiableFinding } from '../core/records.ts';
import type { IspAttributionStore } from '../store/roles/isp-attribution.ts';
import type { NotificationTimesFilter, ReportStore } from '../store/roles/reports.ts';
import { type HoldoutPolicy, mayNotify } from '../track/holdout.ts';
import { type Selection, selectForReport } from './select.ts';

export interface DuePolicy {
  now: string;
  renotifyAfterDays?: number;
  holdout?: HoldoutPolicy;
}

/**
 * `open` is every open finding the hold-out lets through, due or not (a bulk-fix list is built from all of them).
 * @example const { selection, findings } = await dueFindings(store, { ispId: 'kawa-cable' }, { now })
 */
export async function dueFindings(
  store: Pick<IspAttributionStore, 'listNotifiableFindings'> & Pick<ReportStore, 'notificationTimes'>,
  recipient: NotificationTimesFilter,
  policy: DuePolicy,
): Promise<{ open: NotifiableFinding[]; selection: Selection; findings: NotifiableFinding[] }> {
  const open = (await store.listNotifiableFindings({ ...recipient, status: 'open' })).filter((finding) => mayNotify(finding, policy.holdout, policy.now));
  const selection = selectForReport(open, await store.notificationTimes(recipient), { now: policy.now, renotifyAfterDays: policy.renotifyAfterDays });
  return { open, selection, findings: [...selection.fresh, ...selection.reminders] };
}

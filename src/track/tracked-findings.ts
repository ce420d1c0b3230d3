/**
 * Findings as the effectiveness figures see them: when each one's clock started, when it
 * was fixed, and the groups it belongs to (ISP, finding kind, study group, channel).
 *
 * The clock starts at the first notification. A hold-out (control) finding was held back,
 * so its clock starts when it *would* have been notified: at its ISP's first report made
 * after the finding was first seen. Compare groups only up to the study's delayDays —
 * after that the control findings get their notice too.
 */
import type { FindingKind, NotifiableFinding } from '../core/records.ts';
import type { IspRecord } from '../store/roles/isp-attribution.ts';
import type { NotificationTimes, ReportRow } from '../store/roles/reports.ts';
import { effectiveness, type EffectivenessFigures, type TrackedFinding } from './effectiveness.ts';
import { assignGroup, type HoldoutPolicy, type StudyGroup } from './holdout.ts';

/** How the notice reached the subscriber's side ('none': a control finding, not notified yet). */
export type NoticeChannel = 'isp-managed' | 'email' | 'webhook' | 'none';

export interface TrackedRow extends TrackedFinding {
  kind: FindingKind;
  ispId: string;
  group: StudyGroup;
  channel: NoticeChannel;
}

export const groupings = ['isp', 'kind', 'group', 'channel'] as const;
export type Grouping = (typeof groupings)[number];

export interface TrackedInput {
  /** Findings of every status, with attribution. */
  findings: readonly NotifiableFinding[];
  notified: ReadonlyMap<number, NotificationTimes>;
  /** ISP reports, to date the would-be notification of control findings. */
  reports: readonly ReportRow[];
  isps: readonly IspRecord[];
  study?: HoldoutPolicy;
}

/**
 * @example const rows = trackedFindings({ findings, notified, reports, isps, study })
 */
export function trackedFindings(input: TrackedInput): TrackedRow[] {
  const ispById = new Map(input.isps.map((isp) => [isp.id, isp]));
  const ispReports = input.reports.filter((report) => report.audience === 'isp' && report.ispId !== undefined);
  const reportTimesByIsp = new Map(
    [...Map.groupBy(ispReports, (report) => report.ispId!)].map(([ispId, reports]) => [ispId, reports.map((report) => report.createdAt).sort()]),
  );
  const rows: TrackedRow[] = [];
  for (const finding of input.findings) {
    const ispId = finding.attribution.ispId;
    if (ispId === undefined) continue;
    const group: StudyGroup = input.study ? assignGroup(finding.id, input.study) : 'notified';
    const notified = input.notified.get(finding.id);
    const startAt = group === 'holdout' ? reportTimesByIsp.get(ispId)?.find((at) => at >= finding.firstSeen) : notified?.first;
    if (startAt === undefined) continue;
    const isp = ispById.get(ispId);
    // A control finding counts as un-notified: within delayDays (the comparison window) it was.
    const channel: NoticeChannel = group === 'holdout' ? 'none' : isp?.managesCustomerDevices ? 'isp-managed' : isp?.contacts.webhookUrl ? 'webhook' : 'email';
    rows.push({
      findingId: finding.id,
      kind: finding.kind,
      ispId,
      group,
      channel,
      startAt,
      ...(finding.status === 'closed' && finding.closedAt ? { remediatedAt: finding.closedAt } : {}),
    });
  }
  return rows;
}

/**
 * Effectiveness figures per value of one grouping, largest group first.
 * @example effectivenessBy(rows, 'isp', new Date().toISOString())[0] // { key: 'sakura-net', figures: { rateWithin: { 14: 0.7, … }, … } }
 */
export function effectivenessBy(rows: readonly TrackedRow[], by: Grouping, asOf: string): Array<{ key: string; figures: EffectivenessFigures }> {
  const keyOf = (row: TrackedRow): string => (by === 'isp' ? row.ispId : by === 'kind' ? row.kind : by === 'group' ? row.group : row.channel);
  return [...Map.groupBy(rows, keyOf)]
    .map(([key, members]) => ({ key, figures: effectiveness(members, { asOf }) }))
    .sort((a, b) => b.figures.findings - a.figures.findings || a.key.localeCompare(b.key));
}

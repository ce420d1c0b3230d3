/**
 * The program's public figures, NOTICE-style: per month, findings newly found by kind (and
 * infected devices per day, max and average), notifications sent, findings remediated, and
 * cumulative totals since the start; breakdowns of what is open by ISP, device type, vendor and
 * release year. Pure: the caller reads the store, this counts.
 */
import { findingKinds, type FindingKind, type NotifiableFinding } from '../core/records.ts';
import type { FindingEventRow } from '../store/roles/findings.ts';
import type { ReportRow } from '../store/roles/reports.ts';

const kinds: readonly FindingKind[] = findingKinds;

export interface MonthFigures {
  /** YYYY-MM (UTC). */
  month: string;
  found: Record<FindingKind, number>;
  /** Distinct infected addresses seen per day in the month: max and average over days with data. */
  infectedPerDay: { max: number; average: number };
  reports: number;
  findingsNotified: number;
  remediated: number;
  cumulative: { found: Record<FindingKind, number>; findingsNotified: number; remediated: number };
}

export interface ProgramStatistics {
  months: MonthFigures[];
  /** Open findings now, broken down (an address with several findings counts in each of its kinds). */
  open: {
    total: number;
    byKind: Record<FindingKind, number>;
    byIsp: Array<{ key: string; count: number }>;
    byDeviceType: Array<{ key: string; count: number }>;
    byVendor: Array<{ key: string; count: number }>;
    byReleaseYear: Array<{ key: string; count: number }>;
  };
}

const zeroKinds = (): Record<FindingKind, number> => Object.fromEntries(kinds.map((kind) => [kind, 0])) as Record<FindingKind, number>;
const monthOf = (iso: string) => iso.slice(0, 7);

function countBy(findings: readonly NotifiableFinding[], keyOf: (finding: NotifiableFinding) => string): Array<{ key: string; count: number }> {
  const counts = new Map<string, number>();
  for (const finding of findings) counts.set(keyOf(finding), (counts.get(keyOf(finding)) ?? 0) + 1);
  return [...counts].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

/** Days an infected finding's evidence says it was seen (darknet daysSeen), else its last-seen day. */
function infectedDays(finding: NotifiableFinding): string[] {
  const days = finding.evidence.daysSeen;
  return Array.isArray(days) && days.every((day) => typeof day === 'string') ? (days as string[]) : [finding.lastSeen.slice(0, 10)];
}

export interface ProgramStatisticsInput {
  findings: readonly NotifiableFinding[];
  events: readonly FindingEventRow[];
  reports: readonly ReportRow[];
}

/**
 * @example programStatistics({ findings: await store.listNotifiableFindings(), events: await store.listFindingEvents(), reports: await store.listReports() })
 */
export function programStatistics(input: ProgramStatisticsInput): ProgramStatistics {
  const months = new Map<string, MonthFigures>();
  const monthFor = (month: string): MonthFigures => {
    let figures = months.get(month);
    if (!figures) {
      figures = {
        month,
        found: zeroKinds(),
        infectedPerDay: { max: 0, average: 0 },
        reports: 0,
        findingsNotified: 0,
        remediated: 0,
        cumulative: { found: zeroKinds(), findingsNotified: 0, remediated: 0 },
      };
      months.set(month, figures);
    }
    return figures;
  };
  const infectedByDay = new Map<string, Set<string>>();
  for (const finding of input.findings) {
    monthFor(monthOf(finding.firstSeen)).found[finding.kind]++;
    if (finding.kind !== 'infected') continue;
    for (const day of infectedDays(finding)) {
      const addresses = infectedByDay.get(day) ?? new Set<string>();
      addresses.add(finding.ip);
      infectedByDay.set(day, addresses);
    }
  }
  for (const [day, addresses] of infectedByDay) {
    const figures = monthFor(monthOf(day));
    figures.infectedPerDay.max = Math.max(figures.infectedPerDay.max, addresses.size);
  }
  for (const figures of months.values()) {
    const days = [...infectedByDay].filter(([day]) => monthOf(day) === figures.month).map(([, addresses]) => addresses.size);
    figures.infectedPerDay.average = days.length ? days.reduce((a, b) => a + b, 0) / days.length : 0;
  }
  for (const report of input.reports) {
    if (report.audience !== 'isp') continue;
    const figures = monthFor(monthOf(report.createdAt));
    figures.reports++;
    figures.findingsNotified += report.findingCount;
  }
  for (const event of input.events) if (event.event === 'closed') monthFor(monthOf(event.at)).remediated++;

  const ordered = [...months.values()].sort((a, b) => a.month.localeCompare(b.month));
  const running = { found: zeroKinds(), findingsNotified: 0, remediated: 0 };
  for (const figures of ordered) {
    for (const kind of kinds) running.found[kind] += figures.found[kind];
    running.findingsNotified += figures.findingsNotified;
    running.remediated += figures.remediated;
    figures.cumulative = { found: { ...running.found }, findingsNotified: running.findingsNotified, remediated: running.remediated };
  }
  const open = input.findings.filter((finding) => finding.status === 'open');
  const byKind = zeroKinds();
  for (const finding of open) byKind[finding.kind]++;
  return {
    months: ordered,
    open: {
      total: open.length,
      byKind,
      byIsp: countBy(open, (finding) => finding.attribution.ispName ?? finding.attribution.ispId ?? 'unattributed'),
      byDeviceType: countBy(open, (finding) => finding.deviceType ?? 'unidentified'),
      byVendor: countBy(open, (finding) => finding.vendor ?? 'unidentified'),
      byReleaseYear: countBy(open, (finding) => (finding.releaseYear !== undefined ? String(finding.releaseYear) : 'unknown')),
    },
  };
}

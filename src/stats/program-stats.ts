/**
 * The program's public figures, NOTICE-style: per month, findings newly found by kind (and
 * infected devices per day, max and average), notifications sent, findings remediated, and
 * cumulative totals since the start; breakdowns of what is open by ISP, device type, vendor and
 * release year. Pure: the caller reads the store, this counts.
 */
import { findingKinds, type FindingKind } from '../core/finding-kinds.ts';
import type { NotifiableFinding } from '../core/records.ts';
import type { FindingEventRow } from '../store/roles/findings.ts';
import type { ReportRow } from '../store/roles/reports.ts';
import { monthFigures, type MonthFigures } from './month-figures.ts';

const kinds: readonly FindingKind[] = findingKinds;

export interface ProgramStatistics {
  months: MonthFigures<FindingKind>[];
  /** Open findings now, broken down (an address with several findings counts in each of its kinds). */
  open: {
    total: number;
    byKind: Record<FindingKind, number>;
    byIsp: Array<{ key: string; count: number }>;
    byDeviceType: Array<{ key: string; count: number }>;
    byVendor: Array<{ key: string; count: number }>;
    byReleaseYear: Array<{ key: string; count: number }>;
    /** Open findings on critical devices, by sector. */
    bySector: Array<{ key: string; count: number }>;
    /**
     * Vendor and release-year counts without critical devices: what a published report may show
     * (a critical device's maker or age could single out the few monitors of a small sector).
     */
    publishable: { byVendor: Array<{ key: string; count: number }>; byReleaseYear: Array<{ key: string; count: number }> };
  };
}

const zeroKinds = (): Record<FindingKind, number> => Object.fromEntries(kinds.map((kind) => [kind, 0])) as Record<FindingKind, number>;
const monthOf = (iso: string) => iso.slice(0, 7);
const vendorOf = (finding: NotifiableFinding) => finding.vendor ?? 'unidentified';
const releaseYearOf = (finding: NotifiableFinding) => (finding.releaseYear !== undefined ? String(finding.releaseYear) : 'unknown');

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
  const infectedByDay = new Map<string, Set<string>>();
  for (const finding of input.findings) {
    if (finding.kind !== 'infected') continue;
    for (const day of infectedDays(finding)) {
      const addresses = infectedByDay.get(day) ?? new Set<string>();
      addresses.add(finding.ip);
      infectedByDay.set(day, addresses);
    }
  }
  // One entry per finding, report and event: monthFigures adds them up per month.
  const months = monthFigures(kinds, {
    foundByMonth: input.findings.map((finding) => ({ month: monthOf(finding.firstSeen), kind: finding.kind, count: 1 })),
    infectedByDay: [...infectedByDay].map(([day, addresses]) => ({ day, hosts: addresses.size })),
    reportsByMonth: input.reports
      .filter((report) => report.audience === 'isp')
      .map((report) => ({ month: monthOf(report.createdAt), reports: 1, findingsNotified: report.findingCount })),
    remediatedByMonth: input.events.filter((event) => event.event === 'closed').map((event) => ({ month: monthOf(event.at), count: 1 })),
  });
  const open = input.findings.filter((finding) => finding.status === 'open');
  const notCritical = open.filter((finding) => finding.deviceType !== 'critical');
  const byKind = zeroKinds();
  for (const finding of open) byKind[finding.kind]++;
  return {
    months,
    open: {
      total: open.length,
      byKind,
      byIsp: countBy(open, (finding) => finding.attribution.ispName ?? finding.attribution.ispId ?? 'unattributed'),
      byDeviceType: countBy(open, (finding) => finding.deviceType ?? 'unidentified'),
      byVendor: countBy(open, vendorOf),
      byReleaseYear: countBy(open, releaseYearOf),
      bySector: countBy(
        open.filter((finding) => finding.deviceType === 'critical'),
        (finding) => finding.sector ?? 'other',
      ),
      publishable: { byVendor: countBy(notCritical, vendorOf), byReleaseYear: countBy(notCritical, releaseYearOf) },
    },
  };
}

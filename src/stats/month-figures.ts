/**
 * The NOTICE-style monthly table: per month, findings newly found by kind, infected devices per
 * day (max and average), ISP reports and the findings they carried, findings remediated, and the
 * cumulative totals since the first month. The programme statistics (counting findings in
 * memory) and the dashboard (reading the store's GROUP BY aggregates) both build their rows
 * here, so the two tables cannot drift apart.
 */

/** One month of the table; `Kind` is the finding kinds it has columns for. */
export interface MonthFigures<Kind extends string = string> {
  /** YYYY-MM (UTC). */
  month: string;
  found: Record<Kind, number>;
  /** Distinct infected addresses seen per day in the month: max and average over days with data. */
  infectedPerDay: { max: number; average: number };
  reports: number;
  findingsNotified: number;
  remediated: number;
  cumulative: { found: Record<Kind, number>; findingsNotified: number; remediated: number };
}

/**
 * What the table is counted from. Entries for the same month (and kind) add up, so a caller may
 * hand over one entry per finding or one per group; `infectedByDay` must hold each day once,
 * since its max and average are taken over days.
 */
export interface MonthlyCounts<Kind extends string = string> {
  /** Findings by the month they were first seen, and kind. */
  foundByMonth: Iterable<{ month: string; kind: Kind; count: number }>;
  /** Distinct infected addresses per day (YYYY-MM-DD). */
  infectedByDay: Iterable<{ day: string; hosts: number }>;
  /** Reports to ISPs per month, and the findings they carried. */
  reportsByMonth: Iterable<{ month: string; reports: number; findingsNotified: number }>;
  /** Findings remediated (closed) per month. */
  remediatedByMonth: Iterable<{ month: string; count: number }>;
}

const zeros = <Kind extends string>(kinds: readonly Kind[]): Record<Kind, number> => Object.fromEntries(kinds.map((kind) => [kind, 0])) as Record<Kind, number>;

/**
 * The months that have anything to count, oldest first, each with a column per kind in `kinds`
 * (a kind counted but not listed gets a key in `found` but no cumulative column).
 * @example monthFigures(['infected'], { foundByMonth: [{ month: '2026-01', kind: 'infected', count: 2 }], infectedByDay: [{ day: '2026-01-03', hosts: 2 }], reportsByMonth: [], remediatedByMonth: [] })
 * // [{ month: '2026-01', found: { infected: 2 }, infectedPerDay: { max: 2, average: 2 }, reports: 0, …, cumulative: { found: { infected: 2 }, … } }]
 */
export function monthFigures<Kind extends string>(kinds: readonly Kind[], counts: MonthlyCounts<Kind>): MonthFigures<Kind>[] {
  const months = new Map<string, MonthFigures<Kind>>();
  const monthFor = (month: string): MonthFigures<Kind> => {
    let figures = months.get(month);
    if (!figures) {
      figures = {
        month,
        found: zeros(kinds),
        infectedPerDay: { max: 0, average: 0 },
        reports: 0,
        findingsNotified: 0,
        remediated: 0,
        cumulative: { found: zeros(kinds), findingsNotified: 0, remediated: 0 },
      };
      months.set(month, figures);
    }
    return figures;
  };
  for (const { month, kind, count } of counts.foundByMonth) {
    const found = monthFor(month).found;
    found[kind] = (found[kind] ?? 0) + count;
  }
  for (const [month, days] of Map.groupBy(counts.infectedByDay, ({ day }) => day.slice(0, 7))) {
    const hosts = days.map((entry) => entry.hosts);
    monthFor(month).infectedPerDay = { max: Math.max(...hosts), average: hosts.reduce((a, b) => a + b, 0) / hosts.length };
  }
  for (const { month, reports, findingsNotified } of counts.reportsByMonth) {
    const figures = monthFor(month);
    figures.reports += reports;
    figures.findingsNotified += findingsNotified;
  }
  for (const { month, count } of counts.remediatedByMonth) monthFor(month).remediated += count;

  const ordered = [...months.values()].sort((a, b) => a.month.localeCompare(b.month));
  const running = { found: zeros(kinds), findingsNotified: 0, remediated: 0 };
  for (const figures of ordered) {
    for (const kind of kinds) running.found[kind] += figures.found[kind] ?? 0;
    running.findingsNotified += figures.findingsNotified;
    running.remediated += figures.remediated;
    figures.cumulative = { found: { ...running.found }, findingsNotified: running.findingsNotified, remediated: running.remediated };
  }
  return ordered;
}

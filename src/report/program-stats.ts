/** `opennotice stats` and the demo print the program's figures the same way. */
import { findingKinds } from '../core/finding-kinds.ts';
import type { ProgramStatistics } from '../stats/program-stats.ts';

/**
 * The program's monthly figures and open-finding breakdowns as a terminal table.
 * @example process.stdout.write(renderProgramStatsTable(programStatistics(input)))
 */
export function renderProgramStatsTable(stats: ProgramStatistics): string {
  // One column per finding kind, headed by its id; infected devices are observed day by day, so
  // their month is its busiest day.
  const kindHeads = findingKinds.map((kind) => (kind === 'infected' ? 'INFECTED(MAX/DAY)' : kind.toUpperCase()));
  const cell = (value: number | string, head: string) => String(value).padStart(head.length);
  const lines = [`MONTH    ${kindHeads.join('  ')}  REPORTS  NOTIFIED  REMEDIATED  | CUMULATIVE FOUND  NOTIFIED  REMEDIATED`];
  for (const month of stats.months) {
    const found = Object.values(month.cumulative.found).reduce((a, b) => a + b, 0);
    const kinds = findingKinds.map((kind, index) => cell(kind === 'infected' ? month.infectedPerDay.max : month.found[kind], kindHeads[index]!));
    lines.push(
      `${month.month}  ${kinds.join('  ')}  ${cell(month.reports, 'REPORTS')}  ${cell(month.findingsNotified, 'NOTIFIED')}  ${cell(month.remediated, 'REMEDIATED')}  | ${cell(found, 'CUMULATIVE FOUND')}  ${cell(month.cumulative.findingsNotified, 'NOTIFIED')}  ${cell(month.cumulative.remediated, 'REMEDIATED')}`,
    );
  }
  const top = (entries: Array<{ key: string; count: number }>) =>
    entries
      .slice(0, 6)
      .map((entry) => `${entry.key} ${entry.count}`)
      .join(', ') || '-';
  lines.push(
    '',
    `open findings: ${stats.open.total} (${Object.entries(stats.open.byKind)
      .map(([kind, count]) => `${kind} ${count}`)
      .join(', ')})`,
    `  by ISP:          ${top(stats.open.byIsp)}`,
    `  by device type:  ${top(stats.open.byDeviceType)}`,
    `  by vendor:       ${top(stats.open.byVendor)}`,
    `  by release year: ${top(stats.open.byReleaseYear)}`,
  );
  return `${lines.join('\n')}\n`;
}

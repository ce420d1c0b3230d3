/** `opennotice stats` and the demo print the program's figures the same way. */
import type { ProgramStatistics } from '../stats/program-stats.ts';

/**
 * The program's monthly figures and open-finding breakdowns as a terminal table.
 * @example process.stdout.write(renderProgramStatsTable(programStatistics(input)))
 */
export function renderProgramStatsTable(stats: ProgramStatistics): string {
  const lines = ['MONTH    WEAK-CRED  NO-AUTH  VULN-FW  INFECTED(MAX/DAY)  REPORTS  NOTIFIED  REMEDIATED  | CUMULATIVE FOUND  NOTIFIED  REMEDIATED'];
  for (const month of stats.months) {
    const found = Object.values(month.cumulative.found).reduce((a, b) => a + b, 0);
    lines.push(
      `${month.month}  ${String(month.found['weak-credential']).padStart(9)}  ${String(month.found['no-authentication']).padStart(7)}  ${String(month.found['vulnerable-firmware']).padStart(7)}  ${String(month.infectedPerDay.max).padStart(17)}  ${String(month.reports).padStart(7)}  ${String(month.findingsNotified).padStart(8)}  ${String(month.remediated).padStart(10)}  | ${String(found).padStart(16)}  ${String(month.cumulative.findingsNotified).padStart(8)}  ${String(month.cumulative.remediated).padStart(10)}`,
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

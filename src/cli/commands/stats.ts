import { writeFileSync } from 'node:fs';
import { OpenNoticeError } from '../../core/errors.ts';
import { renderAnnualHtml, renderAnnualMarkdown } from '../../stats/annual-report.ts';
import { programStatistics, type ProgramStatistics } from '../../stats/program-stats.ts';
import { openStore } from '../../store/open-store.ts';
import { defineCommand } from '../command.ts';

function formatTable(stats: ProgramStatistics): string {
  const lines = ['MONTH    WEAK-CRED  NO-AUTH  VULN-FW  INFECTED(MAX/DAY)  REPORTS  NOTIFIED  REMEDIATED  | CUMULATIVE FOUND  NOTIFIED  REMEDIATED'];
  for (const month of stats.months) {
    const found = Object.values(month.cumulative.found).reduce((a, b) => a + b, 0);
    lines.push(`${month.month}  ${String(month.found['weak-credential']).padStart(9)}  ${String(month.found['no-authentication']).padStart(7)}  ${String(month.found['vulnerable-firmware']).padStart(7)}  ${String(month.infectedPerDay.max).padStart(17)}  ${String(month.reports).padStart(7)}  ${String(month.findingsNotified).padStart(8)}  ${String(month.remediated).padStart(10)}  | ${String(found).padStart(16)}  ${String(month.cumulative.findingsNotified).padStart(8)}  ${String(month.cumulative.remediated).padStart(10)}`);
  }
  const top = (entries: Array<{ key: string; count: number }>) => entries.slice(0, 6).map((entry) => `${entry.key} ${entry.count}`).join(', ') || '-';
  lines.push('', `open findings: ${stats.open.total} (${Object.entries(stats.open.byKind).map(([kind, count]) => `${kind} ${count}`).join(', ')})`,
    `  by ISP:          ${top(stats.open.byIsp)}`, `  by device type:  ${top(stats.open.byDeviceType)}`, `  by vendor:       ${top(stats.open.byVendor)}`, `  by release year: ${top(stats.open.byReleaseYear)}`);
  return `${lines.join('\n')}\n`;
}

export default defineCommand({
  name: 'stats',
  summary: "The program's public figures: per month findings by kind, infected per day, notifications, remediation, cumulative totals; breakdowns by ISP, type, vendor, year.",
  usage: '[--json] | --annual YEAR [--format markdown|html] [--out FILE]',
  details: `Counts from the store: findings by the month they were first seen, infected addresses per
day (max), ISP reports and the findings they carried, findings closed as remediated, and
totals since the start; open findings by ISP (after 'opennotice attribute'), device type,
vendor and release year. --annual writes the same figures for one year as a report.`,
  options: {
    json: { type: 'boolean', description: 'all figures as JSON' },
    annual: { type: 'string', valueName: 'YEAR', description: 'annual report for this year' },
    format: { type: 'string', valueName: 'FORMAT', description: 'annual report: markdown or html', default: 'markdown' },
    out: { type: 'string', valueName: 'FILE', description: 'annual report: write here instead of stdout' },
    name: { type: 'string', valueName: 'TEXT', description: 'program name in the annual report', default: 'opennotice' },
    db: { type: 'string', valueName: 'FILE', description: 'SQLite store', default: 'opennotice.sqlite' },
  },
  async run(values, _positionals, io) {
    if (values.annual !== undefined && !/^\d{4}$/.test(String(values.annual))) throw new OpenNoticeError('USAGE', `--annual must be a year like 2026, got "${String(values.annual)}"`);
    if (!['markdown', 'html'].includes(String(values.format))) throw new OpenNoticeError('USAGE', '--format must be markdown or html');
    const store = await openStore(String(values.db));
    try {
      const stats = programStatistics({ findings: await store.listNotifiableFindings(), events: await store.listFindingEvents(), reports: await store.listReports() });
      if (values.annual !== undefined) {
        const year = String(values.annual);
        const text = values.format === 'html' ? renderAnnualHtml(stats, year, String(values.name)) : renderAnnualMarkdown(stats, year, String(values.name));
        if (typeof values.out === 'string') { writeFileSync(values.out, text); io.stdout.write(`wrote ${values.out}\n`); }
        else io.stdout.write(text);
      } else {
        io.stdout.write(values.json ? `${JSON.stringify(stats, null, 2)}\n` : formatTable(stats));
      }
      return 0;
    } finally {
      await store.close();
    }
  },
});

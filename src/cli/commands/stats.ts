import { writeFileSync } from 'node:fs';
import { OpenNoticeError } from '../../core/errors.ts';
import { renderAnnualHtml, renderAnnualMarkdown } from '../../stats/annual-report.ts';
import { programStatistics } from '../../stats/program-stats.ts';
import { renderProgramStatsTable } from '../../report/program-stats.ts';
import { openStore } from '../../store/open-store.ts';
import { defineCommand } from '../command.ts';
import { storeOption } from '../store-option.ts';

export default defineCommand({
  name: 'stats',
  summary:
    "The program's public figures: per month findings by kind, infected per day, notifications, remediation, cumulative totals; breakdowns by ISP, type, vendor, year.",
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
    db: storeOption,
  },
  async run(values, _positionals, io) {
    if (values.annual !== undefined && !/^\d{4}$/.test(String(values.annual)))
      throw new OpenNoticeError('USAGE', `--annual must be a year like 2026, got "${String(values.annual)}"`);
    if (!['markdown', 'html'].includes(String(values.format))) throw new OpenNoticeError('USAGE', '--format must be markdown or html');
    const store = await openStore(String(values.db));
    try {
      const stats = programStatistics({
        findings: await store.listNotifiableFindings(),
        events: await store.listFindingEvents(),
        reports: await store.listReports(),
      });
      if (values.annual !== undefined) {
        const year = String(values.annual);
        const text = values.format === 'html' ? renderAnnualHtml(stats, year, String(values.name)) : renderAnnualMarkdown(stats, year, String(values.name));
        if (typeof values.out === 'string') {
          writeFileSync(values.out, text);
          io.stdout.write(`wrote ${values.out}\n`);
        } else io.stdout.write(text);
      } else {
        io.stdout.write(values.json ? `${JSON.stringify(stats, null, 2)}\n` : renderProgramStatsTable(stats));
      }
      return 0;
    } finally {
      await store.close();
    }
  },
});

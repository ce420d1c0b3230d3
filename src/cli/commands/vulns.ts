import { OpenNoticeError } from '../../core/errors.ts';
import { renderVulnerabilitiesCsv, renderVulnerabilitiesTable, summarizeVulnerabilities } from '../../report/vulnerabilities.ts';
import { openStore } from '../../store/open-store.ts';
import { defineCommand, integerOption } from '../command.ts';
import { storeOption } from '../store-option.ts';

export default defineCommand({
  name: 'vulns',
  summary: 'List the vulnerabilities matched on surveyed devices, most worth notifying first, with how many devices carry each.',
  usage: '[--status open|closed|all] [--limit N] [--json | --csv]',
  details: `Priority combines CVSS severity, exploitation in the wild (CISA KEV, ransomware use)
and how many surveyed devices share the CVE (see docs/vulnerabilities.md).
Example:  opennotice survey --target 127.77.0.0/16 --check firmware && opennotice vulns`,
  options: {
    status: { type: 'string', valueName: 'STATUS', description: 'findings to count: open, closed or all', default: 'open' },
    limit: { type: 'string', valueName: 'N', description: 'rows to print (table only)', default: '50' },
    json: { type: 'boolean', description: 'JSON array' },
    csv: { type: 'boolean', description: 'CSV with a header row' },
    db: storeOption,
  },
  async run(values, _positionals, io) {
    const status = String(values.status);
    if (!['open', 'closed', 'all'].includes(status)) throw new OpenNoticeError('USAGE', '--status must be one of open, closed, all');
    if (values.json && values.csv) throw new OpenNoticeError('USAGE', 'choose one of --json and --csv');
    const store = await openStore(String(values.db));
    try {
      const rows = await store.listFindings({ kind: 'vulnerable-firmware', status: status === 'all' ? undefined : (status as 'open' | 'closed') });
      const summaries = summarizeVulnerabilities(rows);
      if (values.json) io.stdout.write(`${JSON.stringify(summaries, null, 2)}\n`);
      else if (values.csv) io.stdout.write(renderVulnerabilitiesCsv(summaries));
      else if (summaries.length === 0) io.stdout.write('no vulnerable firmware found (run a survey with --check firmware)\n');
      else {
        const limit = integerOption(values.limit, 'limit', { min: 1, max: 1_000_000 }) ?? 50;
        io.stdout.write(renderVulnerabilitiesTable(summaries.slice(0, limit)));
        if (summaries.length > limit) io.stdout.write(`… ${summaries.length - limit} more (--limit, --csv or --json for all)\n`);
      }
      return 0;
    } finally {
      await store.close();
    }
  },
});

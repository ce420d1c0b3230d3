import { OpenNoticeError } from '../../core/errors.ts';
import type { GatewayReportRow } from '../../store/roles/gateway-reports.ts';
import { openStore } from '../../store/open-store.ts';
import { defineCommand, integerOption } from '../command.ts';
import { storeOption } from '../store-option.ts';

/** One line per report: when, which gateway of which ISP, what it dropped and quarantined. */
function reportLine(row: GatewayReportRow): string {
  const packets = row.blocked.reduce((sum, entry) => sum + entry.packets, 0);
  const pages = row.quarantined.reduce((sum, device) => sum + device.pagesServed, 0);
  const top = [...row.blocked]
    .sort((a, b) => b.packets - a.packets)
    .slice(0, 3)
    .map((entry) => `${entry.indicator} ${entry.packets}`)
    .join(', ');
  return `#${row.id} ${row.receivedAt.slice(0, 19)}Z ${row.ispId}/${row.gateway} ${row.windowStart.slice(11, 19)}–${row.windowEnd.slice(11, 19)}: ${packets} packets to C&C dropped${
    top ? ` (${top})` : ''
  }, ${row.quarantined.length} quarantined devices, ${pages} notice pages served\n`;
}

export default defineCommand({
  name: 'gateway-reports',
  summary: 'What the secure gateways reported: packets to C&C endpoints dropped, quarantined devices, notice pages served.',
  usage: '[--isp ID] [--limit N] [--json] [--db FILE|URL]',
  details: `Newest first. Each gateway (opennotice gateway) reports every round: per C&C indicator the
packets and bytes its rules dropped, per quarantined device the packets dropped and the notice
pages served. See docs/gateway.md.
  opennotice gateway-reports --isp sakura --limit 20`,
  options: {
    db: storeOption,
    isp: { type: 'string', valueName: 'ID', description: "only this ISP's gateways" },
    limit: { type: 'string', valueName: 'N', description: 'how many reports', default: '50' },
    json: { type: 'boolean', description: 'JSON array with every count' },
  },
  async run(values, positionals, io) {
    if (positionals.length > 0) throw new OpenNoticeError('USAGE', `gateway-reports takes no arguments, got "${positionals.join(' ')}"`);
    const limit = integerOption(values.limit, 'limit', { min: 1, max: 10_000 })!;
    const store = await openStore(String(values.db));
    try {
      const rows = await store.listGatewayReports({ limit, ...(values.isp ? { ispId: values.isp } : {}) });
      if (values.json) io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      else if (rows.length === 0) io.stdout.write('no gateway reports\n');
      else for (const row of rows) io.stdout.write(reportLine(row));
      return 0;
    } finally {
      await store.close();
    }
  },
});

import { OpenNoticeError } from '../../core/errors.ts';
import { DEFAULT_RETENTION_DAYS } from '../../flows/retention.ts';
import { defineCommand, integerOption } from '../command.ts';
import { runCollect } from '../flows/collect.ts';
import { runImport } from '../flows/import.ts';
import { runStats } from '../flows/stats.ts';
import { storeOption } from '../store-option.ts';

export default defineCommand({
  name: 'flows',
  summary: 'Flow records in: a NetFlow v5/v9/IPFIX collector and flows from pcap files, kept as hourly aggregates.',
  usage:
    'collect --listen ADDR:PORT [--duration SECONDS] [--receiver auto|native|dgram] | import FILE... [--idle-timeout SECONDS] | stats [--hours N]   [--print-flows] [--json] [--no-store] [--retention-days N] [--db FILE|URL]',
  details: `collect      listen for NetFlow v5, v9 and IPFIX exports over UDP (templates per exporter and
             observation domain; malformed datagrams counted, never fatal) until --duration or Ctrl-C.
             --receiver: native (a small C receiver built on first use, many datagrams per
             system call), dgram (node:dgram), or auto (default: native, else dgram with a notice).
import FILE  pcap/pcapng captures (gzip too) turned into flows by 5-tuple with an idle timeout
             (default 15 s).
stats        the stored aggregates of the last --hours (default 24), newest hour first.
collect and import store hourly aggregates — hour × source /24 (/48) × destination × port ×
protocol — (collect: every --flush-minutes, default 60, and when it stops) and prune those older than --retention-days (default ${DEFAULT_RETENTION_DAYS}). Raw flows are never
stored: --print-flows prints each as a JSON line. --no-store only prints. With a store they
also keep, for 'opennotice cnc detect', the contacts of the store's known bots and a sketch
(never the addresses) of every other source, with the same retention.
  opennotice flows collect --listen 127.0.0.1:2055 --duration 300
  opennotice flows import trace.pcap.gz
  opennotice flows stats --hours 6
docs/flows.md has the formats, limits and what is kept.`,
  options: {
    listen: { type: 'string', valueName: 'ADDR:PORT', description: 'collect: UDP address to receive exports on' },
    duration: { type: 'string', valueName: 'SECONDS', description: 'collect: stop after this long (default: until Ctrl-C)' },
    receiver: { type: 'string', valueName: 'auto|native|dgram', description: 'collect: how datagrams are received (default auto)' },
    'flush-minutes': { type: 'string', valueName: 'N', description: 'collect: store the aggregates every N minutes (default 60)' },
    'idle-timeout': { type: 'string', valueName: 'SECONDS', description: 'import: a flow idle this long ends (default 15)' },
    hours: { type: 'string', valueName: 'N', description: 'stats: the last N hours (default 24)' },
    limit: { type: 'string', valueName: 'N', description: 'stats: at most N rows (default 1000)' },
    'print-flows': { type: 'boolean', description: 'print every raw flow as a JSON line' },
    json: { type: 'boolean', description: 'aggregates (and collector counters) as JSON' },
    'no-store': { type: 'boolean', description: 'collect/import: print only, store nothing' },
    'retention-days': { type: 'string', valueName: 'N', description: `aggregates older than N days are pruned (default ${DEFAULT_RETENTION_DAYS})` },
    db: storeOption,
  },
  async run(values, positionals, io) {
    const [subcommand, ...rest] = positionals;
    const printFlows = values['print-flows'] === true;
    const json = values.json === true;
    const retentionDays = integerOption(values['retention-days'], 'retention-days', { min: 1, max: 3650 }) ?? DEFAULT_RETENTION_DAYS;
    const persist = { location: values['no-store'] === true ? undefined : String(values.db), retentionDays };
    switch (subcommand) {
      case 'collect':
        return runCollect(
          {
            listen: values.listen,
            durationSeconds: values.duration,
            printFlows,
            json,
            persist,
            flushMinutes: values['flush-minutes'],
            receiver: values.receiver,
          },
          io,
        );
      case 'import':
        return runImport({ files: rest, idleTimeoutSeconds: values['idle-timeout'], printFlows, json, persist }, io);
      case 'stats':
        return runStats(
          {
            location: String(values.db),
            hours: integerOption(values.hours, 'hours', { min: 1, max: 24 * 3650 }) ?? 24,
            limit: integerOption(values.limit, 'limit', { min: 1, max: 1_000_000 }) ?? 1000,
            json,
          },
          io,
        );
      default:
        throw new OpenNoticeError('USAGE', `flows needs a subcommand: collect, import or stats, got "${subcommand ?? ''}"`);
    }
  },
});

import { OpenNoticeError } from '../../core/errors.ts';
import { defineCommand } from '../command.ts';
import { runCollect } from '../flows/collect.ts';
import { runImport } from '../flows/import.ts';

export default defineCommand({
  name: 'flows',
  summary: 'Flow records in: a NetFlow v5/v9/IPFIX collector and flows from pcap files, kept as hourly aggregates.',
  usage: 'collect --listen ADDR:PORT [--duration SECONDS] [--print-flows] [--json] | import FILE... [--idle-timeout SECONDS] [--print-flows] [--json]',
  details: `collect      listen for NetFlow v5, v9 and IPFIX exports over UDP (templates per exporter and
             observation domain; malformed datagrams counted, never fatal) until --duration or Ctrl-C,
             then print hourly aggregates: source /24 (/48) × destination × port × protocol.
import FILE  pcap/pcapng captures (gzip too) turned into flows by 5-tuple with an idle timeout
             (default 15 s), then aggregated the same way.
--print-flows prints every raw flow as a JSON line instead (raw flows are never kept otherwise).
  opennotice flows collect --listen 127.0.0.1:2055 --duration 300
  opennotice flows import trace.pcap.gz --json
docs/flows.md has the formats, limits and what is kept.`,
  options: {
    listen: { type: 'string', valueName: 'ADDR:PORT', description: 'collect: UDP address to receive exports on' },
    duration: { type: 'string', valueName: 'SECONDS', description: 'collect: stop after this long (default: until Ctrl-C)' },
    'idle-timeout': { type: 'string', valueName: 'SECONDS', description: 'import: a flow idle this long ends (default 15)' },
    'print-flows': { type: 'boolean', description: 'print every raw flow as a JSON line' },
    json: { type: 'boolean', description: 'aggregates (and collector counters) as JSON' },
  },
  async run(values, positionals, io) {
    const [subcommand, ...rest] = positionals;
    const printFlows = values['print-flows'] === true;
    const json = values.json === true;
    switch (subcommand) {
      case 'collect':
        return runCollect({ listen: values.listen, durationSeconds: values.duration, printFlows, json }, io);
      case 'import':
        return runImport({ files: rest, idleTimeoutSeconds: values['idle-timeout'], printFlows, json }, io);
      default:
        throw new OpenNoticeError('USAGE', `flows needs a subcommand: collect or import, got "${subcommand ?? ''}"`);
    }
  },
});

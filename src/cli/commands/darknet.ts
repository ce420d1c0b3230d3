import { writeFileSync } from 'node:fs';
import { OpenNoticeError } from '../../core/errors.ts';
import { darknetStatistics, type DarknetStatistics } from '../../darknet/stats.ts';
import { defaultResearchRanges, generateDarknetCapture } from '../../lab/darknet/generate.ts';
import { readCidrList } from '../../scope/cidr-file.ts';
import { defineCommand, integerOption, listOption } from '../command.ts';

function formatStatistics(stats: DarknetStatistics): string {
  const lines = [
    `darknet ${stats.darknet} (${stats.darknetSize} addresses), ${stats.packets} packets over ${stats.observedDays.toFixed(2)} days` + (stats.skippedRecords ? `, ${stats.skippedRecords} corrupt records skipped` : ''),
    `packets per darknet address per year: ${Math.round(stats.packetsPerAddressPerYear)}`,
    `scanners (infected-host candidates) per day: max ${stats.scannersPerDay.max}, average ${stats.scannersPerDay.average.toFixed(1)}`,
    '',
    'DAY         PACKETS    SOURCES  SCANNERS  MIRAI  RESEARCH  BACKSCATTER',
    ...stats.days.map((day) => `${day.day}  ${String(day.packets).padStart(9)}  ${String(day.sources).padStart(7)}  ${String(day.scanners).padStart(8)}  ${String(day.miraiScanners).padStart(5)}  ${String(day.researchSources).padStart(8)}  ${String(day.backscatterSources).padStart(11)}`),
    '',
    `top destination ports: ${stats.topPorts.map((entry) => `${entry.port} (${entry.packets})`).join(', ') || '-'}`,
    `top scanner networks:  ${stats.topSourceNetworks.slice(0, 5).map((entry) => `${entry.network} (${entry.scanners} scanners, ${entry.packets} packets)`).join(', ') || '-'}`,
    `packet classes: ${Object.entries(stats.packetClasses).filter(([, count]) => count > 0).map(([name, count]) => `${name} ${count}`).join(', ')}`,
  ];
  return `${lines.join('\n')}\n`;
}

export default defineCommand({
  name: 'darknet',
  summary: 'Darknet observation: statistics from pcap/pcapng captures (stats), or a generated lab capture (generate).',
  usage: 'stats FILE... --darknet CIDR [--json] | generate --out FILE [--darknet CIDR] [--days N]',
  details: `stats: reads pcap/pcapng captures (gzip too) in one streaming pass, classifies every packet
(Mirai fingerprint, ZMap/masscan, SYN scans, backscatter, UDP/ICMP probes), aggregates per
source per day in bounded memory and judges scanners with thresholds that scale with the
darknet's size (docs/darknet.md). Research scanners (--research FILE of CIDRs) are kept apart.
generate: writes a lab capture with ground truth (--truth FILE) for trying it out:
  opennotice darknet generate --out dark.pcapng --truth dark-truth.json
  opennotice darknet stats dark.pcapng --darknet 127.200.0.0/16`,
  options: {
    darknet: { type: 'string', valueName: 'CIDR', description: 'the darknet the captures observed', default: '127.200.0.0/16' },
    research: { type: 'string', valueName: 'FILE', description: 'CIDR list of known research scanners (default: the lab generator\'s documentation range)' },
    json: { type: 'boolean', description: 'statistics as JSON (includes every scanner found)' },
    'skip-corrupt': { type: 'boolean', description: 'skip and count corrupt records instead of stopping' },
    out: { type: 'string', valueName: 'FILE', description: 'generate: capture to write (.pcap or .pcapng)' },
    truth: { type: 'string', valueName: 'FILE', description: 'generate: ground truth JSON' },
    days: { type: 'string', valueName: 'N', description: 'generate: days of traffic', default: '1' },
    seed: { type: 'string', valueName: 'N', description: 'generate: seed', default: '1' },
    scale: { type: 'string', valueName: 'N', description: 'generate: multiplies the number of senders', default: '1' },
    infected: { type: 'string', multiple: true, valueName: 'IP', description: 'generate: lab device addresses that scan as bots' },
  },
  async run(values, positionals, io) {
    const [subcommand, ...files] = positionals;
    const darknet = String(values.darknet);
    if (subcommand === 'generate') {
      if (typeof values.out !== 'string') throw new OpenNoticeError('USAGE', 'generate needs --out FILE');
      const truth = await generateDarknetCapture({
        file: values.out,
        format: values.out.endsWith('.pcapng') ? 'pcapng' : 'pcap',
        darknet,
        durationSeconds: (integerOption(values, 'days', { min: 1, max: 365 }) ?? 1) * 86_400,
        seed: integerOption(values, 'seed', { min: 0, max: 2 ** 32 - 1 }) ?? 1,
        scale: integerOption(values, 'scale', { min: 1, max: 10_000 }) ?? 1,
        infectedSources: listOption(values, 'infected'),
      });
      if (typeof values.truth === 'string') writeFileSync(values.truth, `${JSON.stringify(truth, null, 2)}\n`);
      io.stdout.write(`wrote ${truth.packets} packets from ${truth.sources.length} sources to ${values.out}\n`);
      return 0;
    }
    if (subcommand !== 'stats') throw new OpenNoticeError('USAGE', `unknown darknet subcommand "${subcommand ?? ''}" (stats or generate)`);
    if (files.length === 0) throw new OpenNoticeError('USAGE', 'stats needs at least one capture file');
    const research = typeof values.research === 'string' ? readCidrList(values.research).map((entry) => entry.cidr) : defaultResearchRanges;
    const stats = await darknetStatistics(files, { darknet, researchRanges: research, skipCorrupt: Boolean(values['skip-corrupt']) });
    io.stdout.write(values.json ? `${JSON.stringify(stats, null, 2)}\n` : formatStatistics(stats));
    return 0;
  },
});

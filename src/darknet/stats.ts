/**
 * NICTER-style statistics from darknet captures: packets per day, packets per darknet
 * address per year, top destination ports, top source networks, and scanners ("infected
 * hosts") per day with their families — from one streaming pass in bounded memory.
 */
import type { DecodedPacket } from './packet.ts';
import { scanCapture } from './capture/reader.ts';
import { createDarknetAggregator } from './classify/aggregate.ts';
import { createResearchScannerList } from './classify/research-list.ts';
import { judgeSource, scannerThresholds } from './classify/verdict.ts';
import type { PacketClass } from './classify/classify-packet.ts';
import { cidrToRange, parseCidr } from '../scope/cidr.ts';

export interface DarknetDay {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  packets: number;
  sources: number;
  scanners: number;
  miraiScanners: number;
  researchSources: number;
  backscatterSources: number;
}

export interface DarknetStatistics {
  darknet: string;
  darknetSize: number;
  packets: number;
  skippedRecords: number;
  observedDays: number;
  /** Packets one darknet address receives in a year at the observed rate. */
  packetsPerAddressPerYear: number;
  days: DarknetDay[];
  topPorts: Array<{ port: number; packets: number }>;
  /** /24 networks of scanners, by packets. */
  topSourceNetworks: Array<{ network: string; packets: number; scanners: number }>;
  scannersPerDay: { max: number; average: number };
  packetClasses: Record<PacketClass, number>;
  /** Scanners (infected-host candidates) with their family, for findings. */
  scanners: Array<{ ip: string; day: string; family: string; tool?: string; packets: number; distinctDestinations: number; topPorts: number[] }>;
}

export interface DarknetStatisticsOptions {
  /** IPv4 CIDR of the darknet the captures observed. */
  darknet: string;
  researchRanges: readonly string[];
  skipCorrupt?: boolean;
}

/** The darknet as base address and size; a malformed CIDR is a SCOPE_INVALID error. */
function parseDarknet(cidr: string): { base: number; size: number } {
  const { first, last } = cidrToRange(parseCidr(cidr));
  return { base: first, size: last - first + 1 };
}

/**
 * Read captures and compute the statistics.
 * @example const stats = await darknetStatistics(['day1.pcap.gz'], { darknet: '127.200.0.0/16', researchRanges: [] })
 */
export async function darknetStatistics(files: readonly string[], options: DarknetStatisticsOptions): Promise<DarknetStatistics> {
  const darknet = parseDarknet(options.darknet);
  const days = createDarknetAggregator({ periodSeconds: 86_400, darknet });
  const portCounts = new Uint32Array(65_536);
  let skippedRecords = 0;
  let firstMicros = Infinity;
  let lastMicros = -Infinity;
  const inDarknet = (packet: DecodedPacket) => packet.dstV4 !== undefined && packet.dstV4 - darknet.base >= 0 && packet.dstV4 - darknet.base < darknet.size;
  for (const file of files) {
    const stats = await scanCapture(
      file,
      (packet) => {
        days.add(packet);
        if (!inDarknet(packet)) return;
        if (packet.dstPort !== undefined) portCounts[packet.dstPort]! += 1;
        if (packet.timeMicros < firstMicros) firstMicros = packet.timeMicros;
        if (packet.timeMicros > lastMicros) lastMicros = packet.timeMicros;
      },
      { formatAddresses: false, onCorrupt: options.skipCorrupt ? 'skip' : 'throw' },
    );
    skippedRecords += stats.skipped;
  }
  const research = createResearchScannerList(options.researchRanges);
  const dayRows: DarknetDay[] = [];
  const scanners: DarknetStatistics['scanners'] = [];
  const networks = new Map<string, { packets: number; scanners: number }>();
  let packets = 0;
  for (const window of days.windows()) {
    const day = new Date(window / 1000).toISOString().slice(0, 10);
    // A partial first or last day is judged on the time it really covers.
    const covered = Math.max(1, (Math.min(window + 86_400e6, lastMicros) - Math.max(window, firstMicros)) / 1e6);
    const thresholds = scannerThresholds({ darknetSize: darknet.size, observedSeconds: Math.min(86_400, covered) });
    const row: DarknetDay = { day, packets: 0, sources: 0, scanners: 0, miraiScanners: 0, researchSources: 0, backscatterSources: 0 };
    for (const source of days.sources(window)) {
      row.packets += source.packets;
      row.sources++;
      const judgement = judgeSource(source, thresholds, research);
      if (judgement.verdict === 'research') row.researchSources++;
      if (judgement.verdict === 'backscatter') row.backscatterSources++;
      if (judgement.verdict !== 'scanner') continue;
      row.scanners++;
      if (judgement.family === 'mirai') row.miraiScanners++;
      scanners.push({ ip: source.ip, day, family: judgement.family ?? 'other', tool: judgement.tool, packets: source.packets, distinctDestinations: source.distinctDestinations, topPorts: source.topPorts.map((entry) => entry.port) });
      const network = `${source.ip.split('.').slice(0, 3).join('.')}.0/24`;
      const entry = networks.get(network) ?? { packets: 0, scanners: 0 };
      entry.packets += source.packets;
      entry.scanners++;
      networks.set(network, entry);
    }
    packets += row.packets;
    dayRows.push(row);
  }
  const observedSeconds = Number.isFinite(firstMicros) ? Math.max(1, (lastMicros - firstMicros) / 1e6) : 0;
  const topPorts = [...portCounts.entries()].filter(([, count]) => count > 0).sort((a, b) => b[1] - a[1]).slice(0, 10).map(([port, count]) => ({ port, packets: count }));
  const perDay = dayRows.map((row) => row.scanners);
  return {
    darknet: options.darknet,
    darknetSize: darknet.size,
    packets,
    skippedRecords,
    observedDays: observedSeconds / 86_400,
    packetsPerAddressPerYear: observedSeconds > 0 ? (packets / darknet.size) * ((365 * 86_400) / observedSeconds) : 0,
    days: dayRows,
    topPorts,
    topSourceNetworks: [...networks].sort((a, b) => b[1].packets - a[1].packets).slice(0, 10).map(([network, entry]) => ({ network, ...entry })),
    scannersPerDay: { max: perDay.length ? Math.max(...perDay) : 0, average: perDay.length ? perDay.reduce((a, b) => a + b, 0) / perDay.length : 0 },
    packetClasses: { ...days.classTotals },
    scanners,
  };
}

/**
 * NICTER-style statistics: packets per day, packets per darknet address per year, top
 * destination ports, top source networks, and scanners ("infected hosts") per day with their
 * families. Computed from day `DarknetWindow` records, so the same figures come from captures
 * read now (`darknetStatistics`) or from windows stored earlier (`summarizeWindows`).
 */
import type { DarknetAttack, DarknetWindow } from '../core/records.ts';
import { summarizeAttacks, type DrdosStatistics } from './drdos/attack-statistics.ts';
import { createDarknetIngest, darknetRange } from './ingest.ts';
import { collectWindows } from './merge-windows.ts';
import { packetClasses, type PacketClass } from './classify/classify-packet.ts';

/** One day's counts, as its day window holds them. */
export interface DarknetDay extends Pick<DarknetWindow, 'packets' | 'sources' | 'scanners' | 'miraiScanners' | 'researchSources' | 'backscatterSources'> {
  /** UTC day, YYYY-MM-DD. */
  day: string;
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
  /** From each day's 100 most probed ports: exact for one day, a close lower bound over many. */
  topPorts: Array<{ port: number; packets: number }>;
  /** /24 networks of scanners, by packets. */
  topSourceNetworks: Array<{ network: string; packets: number; scanners: number }>;
  scannersPerDay: { max: number; average: number };
  packetClasses: Record<PacketClass, number>;
  /** DRDoS attacks whose spoofed victims are darknet addresses: per day, per protocol (docs/darknet.md). */
  drdos: DrdosStatistics;
  /** Scanners (infected-host candidates) with their family, per day. */
  scanners: Array<{ ip: string; day: string; family: string; tool?: string; packets: number; distinctDestinations: number; topPorts: number[] }>;
}

export interface DarknetStatisticsOptions {
  /** IPv4 CIDR of the darknet the captures observed. */
  darknet: string;
  researchRanges: readonly string[];
  skipCorrupt?: boolean;
}

/** The /24 of an IPv4 address, or the /48 of an IPv6 one. */
function networkOf(ip: string): string {
  if (!ip.includes(':')) return `${ip.split('.').slice(0, 3).join('.')}.0/24`;
  return `${ip.split(':').slice(0, 3).join(':')}::/48`;
}

/**
 * Statistics from day windows of one darknet (other periods are ignored).
 * @example summarizeWindows(await store.listDarknetWindows({ darknet: '127.200.0.0/16', periodSeconds: 86400 }), { darknet: '127.200.0.0/16', darknetSize: 65536 })
 */
export function summarizeWindows(
  windows: readonly DarknetWindow[],
  darknet: { darknet: string; darknetSize: number; skippedRecords?: number; attacks?: readonly DarknetAttack[] },
): DarknetStatistics {
  const days = windows.filter((window) => window.periodSeconds === 86_400).sort((a, b) => (a.start < b.start ? -1 : 1));
  const ports = new Map<number, number>();
  const networks = new Map<string, { packets: number; scanners: number }>();
  const classes = Object.fromEntries(packetClasses.map((name) => [name, 0])) as Record<PacketClass, number>;
  const scanners: DarknetStatistics['scanners'] = [];
  let first = Infinity;
  let last = -Infinity;
  for (const window of days) {
    first = Math.min(first, Date.parse(window.firstPacketAt));
    last = Math.max(last, Date.parse(window.lastPacketAt));
    for (const { port, packets } of window.topPorts) ports.set(port, (ports.get(port) ?? 0) + packets);
    for (const name of packetClasses) classes[name] += window.classTotals[name] ?? 0;
    for (const source of window.judged) {
      if (source.verdict !== 'scanner') continue;
      scanners.push({
        ip: source.ip,
        day: window.start.slice(0, 10),
        family: source.family ?? 'other',
        ...(source.tool ? { tool: source.tool } : {}),
        packets: source.packets,
        distinctDestinations: source.distinctDestinations,
        topPorts: source.topPorts.map((entry) => entry.port),
      });
      const entry = networks.get(networkOf(source.ip)) ?? { packets: 0, scanners: 0 };
      entry.packets += source.packets;
      entry.scanners++;
      networks.set(networkOf(source.ip), entry);
    }
  }
  const dayRows: DarknetDay[] = days.map((window) => ({
    day: window.start.slice(0, 10),
    packets: window.packets,
    sources: window.sources,
    scanners: window.scanners,
    miraiScanners: window.miraiScanners,
    researchSources: window.researchSources,
    backscatterSources: window.backscatterSources,
  }));
  const packets = dayRows.reduce((sum, row) => sum + row.packets, 0);
  const observedSeconds = Number.isFinite(first) ? Math.max(1, (last - first) / 1000) : 0;
  const perDay = dayRows.map((row) => row.scanners);
  return {
    darknet: darknet.darknet,
    darknetSize: darknet.darknetSize,
    packets,
    skippedRecords: darknet.skippedRecords ?? 0,
    observedDays: observedSeconds / 86_400,
    packetsPerAddressPerYear: observedSeconds > 0 ? (packets / darknet.darknetSize) * ((365 * 86_400) / observedSeconds) : 0,
    days: dayRows,
    topPorts: [...ports]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, 10)
      .map(([port, count]) => ({ port, packets: count })),
    topSourceNetworks: [...networks]
      .sort((a, b) => b[1].packets - a[1].packets)
      .slice(0, 10)
      .map(([network, entry]) => ({ network, ...entry })),
    scannersPerDay: { max: perDay.length ? Math.max(...perDay) : 0, average: perDay.length ? perDay.reduce((a, b) => a + b, 0) / perDay.length : 0 },
    packetClasses: classes,
    drdos: summarizeAttacks(darknet.attacks ?? []),
    scanners,
  };
}

/**
 * Read captures and compute the statistics in one streaming pass.
 * @example const stats = await darknetStatistics(['day1.pcap.gz'], { darknet: '127.200.0.0/16', researchRanges: [] })
 */
export async function darknetStatistics(files: readonly string[], options: DarknetStatisticsOptions): Promise<DarknetStatistics> {
  const collected = collectWindows();
  const attacks: DarknetAttack[] = [];
  const ingest = createDarknetIngest({
    darknet: options.darknet,
    researchRanges: options.researchRanges,
    periods: [86_400],
    onWindow: collected.add,
    onAttacks: (ended) => {
      attacks.push(...ended);
    },
  });
  let skippedRecords = 0;
  for (const file of files) skippedRecords += (await ingest.read(file, { onCorrupt: options.skipCorrupt ? 'skip' : 'throw' })).skipped;
  await ingest.finish();
  const darknetSize = darknetRange(options.darknet).size;
  return summarizeWindows(collected.windows(), { darknet: options.darknet, darknetSize, skippedRecords, attacks });
}

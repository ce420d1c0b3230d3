/**
 * Two records of the same window (a capture split across files read in different runs, a live
 * capture restarted within the hour, packets arriving after the window closed) merged into one.
 * Counts add up exactly. Two things can only be bounded: a source's distinct destinations take
 * the larger part (the sketches are not kept), and the window's distinct sources take the
 * larger part too. A source judged in neither part stays unjudged.
 */
import type { DarknetSourceRecord, DarknetWindow } from '../core/records.ts';
import { topPortSlots } from './classify/source-table.ts';
import { windowTopPorts } from './window.ts';

const probeClasses = ['mirai', 'zmap', 'masscan', 'tcp-syn-scan', 'udp-probe', 'icmp-probe'];

function addCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const sum: Record<string, number> = { ...a };
  for (const [name, count] of Object.entries(b)) sum[name] = (sum[name] ?? 0) + count;
  return sum;
}

function mergePortLists<T extends { port: number }>(
  a: readonly T[],
  b: readonly T[],
  countOf: (entry: T) => number,
  make: (port: number, count: number) => T,
  limit: number,
): T[] {
  const counts = new Map<number, number>();
  for (const entry of [...a, ...b]) counts.set(entry.port, (counts.get(entry.port) ?? 0) + countOf(entry));
  return [...counts]
    .sort((x, y) => y[1] - x[1] || x[0] - y[0])
    .slice(0, limit)
    .map(([port, count]) => make(port, count));
}

function mergeSource(a: DarknetSourceRecord, b: DarknetSourceRecord): DarknetSourceRecord {
  const hits = addCounts(a.hits, b.hits);
  const probes = probeClasses.reduce((sum, name) => sum + (hits[name] ?? 0), 0);
  const verdict = a.verdict === 'research' || b.verdict === 'research' ? 'research' : 'scanner';
  const tool = (hits.zmap ?? 0) * 2 >= probes && probes > 0 ? 'zmap' : (hits.masscan ?? 0) * 2 >= probes && probes > 0 ? 'masscan' : undefined;
  return {
    ip: a.ip,
    verdict,
    ...(verdict === 'scanner' ? { family: (hits.mirai ?? 0) * 2 >= probes ? ('mirai' as const) : ('other' as const) } : {}),
    ...(verdict === 'scanner' && tool ? { tool } : {}),
    packets: a.packets + b.packets,
    distinctDestinations: Math.max(a.distinctDestinations, b.distinctDestinations),
    topPorts: mergePortLists(
      a.topPorts,
      b.topPorts,
      (entry) => entry.count,
      (port, count) => ({ port, count }),
      topPortSlots,
    ),
    hits,
    firstSeen: a.firstSeen < b.firstSeen ? a.firstSeen : b.firstSeen,
    lastSeen: a.lastSeen > b.lastSeen ? a.lastSeen : b.lastSeen,
    reason: `${a.reason}; and in another part of the window: ${b.reason}`.slice(0, 500),
  };
}

/**
 * Merge two records of one window (same darknet, start and period).
 * @example const whole = mergeWindows(firstHalf, secondHalf)
 */
export function mergeWindows(a: DarknetWindow, b: DarknetWindow): DarknetWindow {
  const judged = new Map<string, DarknetSourceRecord>();
  for (const source of [...a.judged, ...b.judged]) {
    const known = judged.get(source.ip);
    judged.set(source.ip, known ? mergeSource(known, source) : source);
  }
  const sources = [...judged.values()].sort((x, y) => y.packets - x.packets || (x.ip < y.ip ? -1 : 1));
  const scanners = sources.filter((source) => source.verdict === 'scanner');
  return {
    ...a,
    firstPacketAt: a.firstPacketAt < b.firstPacketAt ? a.firstPacketAt : b.firstPacketAt,
    lastPacketAt: a.lastPacketAt > b.lastPacketAt ? a.lastPacketAt : b.lastPacketAt,
    packets: a.packets + b.packets,
    sources: Math.max(a.sources, b.sources, sources.length),
    scanners: scanners.length,
    miraiScanners: scanners.filter((source) => source.family === 'mirai').length,
    researchSources: sources.length - scanners.length,
    backscatterSources: Math.max(a.backscatterSources, b.backscatterSources),
    classTotals: addCounts(a.classTotals, b.classTotals),
    topPorts: mergePortLists(
      a.topPorts,
      b.topPorts,
      (entry) => entry.packets,
      (port, packets) => ({ port, packets }),
      windowTopPorts,
    ),
    judged: sources,
  };
}

/**
 * Windows gathered by key (start and length), a window seen twice merged into one, handed out
 * in time order (hours before days at the same start).
 * @example const collected = collectWindows(); ingest.onWindow = collected.add; … collected.windows()
 */
export function collectWindows(): { add(window: DarknetWindow): void; windows(): DarknetWindow[] } {
  const byKey = new Map<string, DarknetWindow>();
  return {
    add(window) {
      const key = `${window.start}/${window.periodSeconds}`;
      const known = byKey.get(key);
      byKey.set(key, known ? mergeWindows(known, window) : window);
    },
    windows: () => [...byKey.values()].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.periodSeconds - b.periodSeconds)),
  };
}

/**
 * Turns one finished aggregation window into a `DarknetWindow` record: whole-window totals,
 * every source judged against thresholds for the time the window really covers, and the
 * scanners and research scanners kept with their counters. The same record feeds statistics,
 * the store and infected findings, so they can never disagree.
 */
import type { DarknetSourceRecord, DarknetWindow } from '../core/records.ts';
import type { DarknetAggregator } from './classify/aggregate.ts';
import type { ResearchScannerList } from './classify/research-list.ts';
import { judgeSource, scannerThresholds } from './classify/verdict.ts';

/** Destination ports kept per window record (the full histogram stays in the aggregator). */
export const windowTopPorts = 100;

export interface JudgeWindowOptions {
  /** The darknet as text (CIDR) and its number of addresses. */
  darknet: string;
  darknetSize: number;
  periodSeconds: number;
  research: ResearchScannerList;
}

const isoOf = (micros: number): string => new Date(Math.floor(micros / 1000)).toISOString();

/**
 * Judge the window starting at `startMicros` (µs since the epoch).
 * @example const record = judgeWindow(days, days.windows()[0]!, { darknet: '127.200.0.0/16', darknetSize: 65536, periodSeconds: 86400, research })
 */
export function judgeWindow(aggregator: DarknetAggregator, startMicros: number, options: JudgeWindowOptions): DarknetWindow | undefined {
  const totals = aggregator.totals(startMicros);
  if (totals === undefined) return undefined;
  // A partial first or last window is judged on the time it covers, not the whole period.
  const coveredSeconds = Math.min(options.periodSeconds, Math.max(1, (totals.lastMicros - totals.firstMicros) / 1e6));
  const thresholds = scannerThresholds({ darknetSize: options.darknetSize, observedSeconds: coveredSeconds });
  const judged: DarknetSourceRecord[] = [];
  let sources = 0;
  let scanners = 0;
  let miraiScanners = 0;
  let researchSources = 0;
  let backscatterSources = 0;
  for (const source of aggregator.sources(startMicros)) {
    sources++;
    const judgement = judgeSource(source, thresholds, options.research);
    if (judgement.verdict === 'backscatter') backscatterSources++;
    if (judgement.verdict !== 'scanner' && judgement.verdict !== 'research') continue;
    if (judgement.verdict === 'research') researchSources++;
    else {
      scanners++;
      if (judgement.family === 'mirai') miraiScanners++;
    }
    judged.push({
      ip: source.ip,
      verdict: judgement.verdict,
      ...(judgement.family ? { family: judgement.family } : {}),
      ...(judgement.tool ? { tool: judgement.tool } : {}),
      packets: source.packets,
      distinctDestinations: source.distinctDestinations,
      topPorts: source.topPorts,
      hits: { ...source.hits },
      firstSeen: isoOf(source.firstSeenMicros),
      lastSeen: isoOf(source.lastSeenMicros),
      reason: judgement.reason,
    });
  }
  return {
    darknet: options.darknet,
    darknetSize: options.darknetSize,
    start: isoOf(startMicros),
    periodSeconds: options.periodSeconds,
    firstPacketAt: isoOf(totals.firstMicros),
    lastPacketAt: isoOf(totals.lastMicros),
    packets: totals.packets,
    sources,
    scanners,
    miraiScanners,
    researchSources,
    backscatterSources,
    classTotals: { ...totals.classTotals },
    topPorts: topOfHistogram(totals.portPackets, windowTopPorts),
    judged: judged.sort((a, b) => b.packets - a.packets || (a.ip < b.ip ? -1 : 1)),
  };
}

/** The `limit` largest non-zero counts of a port histogram, largest first (ties: lower port). */
function topOfHistogram(counts: Uint32Array, limit: number): Array<{ port: number; packets: number }> {
  const ports: number[] = [];
  for (let port = 0; port < counts.length; port++) if (counts[port]! > 0) ports.push(port);
  ports.sort((a, b) => counts[b]! - counts[a]! || a - b);
  return ports.slice(0, limit).map((port) => ({ port, packets: counts[port]! }));
}

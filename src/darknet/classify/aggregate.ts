/**
 * Per-source aggregation per time window (a day, an hour): packets are classified and counted
 * into one `SourceTable` per window. Windows are independent so a caller can emit and drop a
 * finished day while the next one fills (live capture), keeping memory bounded.
 */
import type { DecodedPacket } from '../packet.ts';
import { classIndex, classifyPacket, packetClasses, type PacketClass } from './classify-packet.ts';
import { SourceTable, type SourceSummary } from './source-table.ts';

export type { SourceSummary } from './source-table.ts';

export interface AggregatorOptions {
  /** Window length: 86400 for days, 3600 for hours. */
  periodSeconds: number;
  /** Count only packets whose destination lies in the darknet (IPv4 base and size); all when absent. */
  darknet?: { base: number; size: number };
}

/** Whole-window counters beside the per-source table (darknet packets only). */
export interface WindowTotals {
  packets: number;
  firstMicros: number;
  lastMicros: number;
  classTotals: Record<PacketClass, number>;
  /** Packets per TCP/UDP destination port, as NICTER's "top destination ports" counts them. */
  portPackets: Uint32Array;
}

export interface DarknetAggregator {
  /** Classify and count one packet; returns its class. */
  add(packet: DecodedPacket): PacketClass;
  /** Start times (µs) of the windows held, ascending. */
  windows(): number[];
  /** Per-source summaries of one window. */
  sources(windowStartMicros: number): Iterable<SourceSummary>;
  /** Free a finished window. */
  drop(windowStartMicros: number): void;
  /** Bytes held by all windows' tables. */
  bytesUsed(): number;
  /** Whole-window counters, or undefined for an unknown window. */
  totals(windowStartMicros: number): WindowTotals | undefined;
  /** Distinct sources in one window. */
  sourceCount(windowStartMicros: number): number;
  /** Packets per class over everything added (for statistics). */
  readonly classTotals: Record<PacketClass, number>;
}

function emptyClassTotals(): Record<PacketClass, number> {
  return Object.fromEntries(packetClasses.map((name) => [name, 0])) as Record<PacketClass, number>;
}

/**
 * Create an aggregator.
 * @example
 * const days = createDarknetAggregator({ periodSeconds: 86400 });
 * await scanCapture(file, (packet) => days.add(packet));
 * for (const day of days.windows()) for (const source of days.sources(day)) console.log(source.ip, source.packets);
 */
export function createDarknetAggregator(options: AggregatorOptions): DarknetAggregator {
  const periodMicros = options.periodSeconds * 1e6;
  const tables = new Map<number, SourceTable>();
  const windowTotals = new Map<number, WindowTotals>();
  const classTotals = emptyClassTotals();
  const darknet = options.darknet;
  let lastWindow = -1;
  let lastTable: SourceTable | undefined;
  let lastTotals: WindowTotals | undefined;

  return {
    classTotals,
    add(packet) {
      const packetClass = classifyPacket(packet);
      if (darknet && packet.dstV4 !== undefined && (packet.dstV4 < darknet.base || packet.dstV4 >= darknet.base + darknet.size)) return packetClass;
      classTotals[packetClass]++;
      const window = Math.floor(packet.timeMicros / periodMicros) * periodMicros;
      // Packets arrive in time order, so the window rarely changes: skip the Map lookup.
      if (window !== lastWindow || lastTable === undefined) {
        lastTable = tables.get(window);
        if (lastTable === undefined) {
          lastTable = new SourceTable();
          tables.set(window, lastTable);
          windowTotals.set(window, { packets: 0, firstMicros: packet.timeMicros, lastMicros: packet.timeMicros, classTotals: emptyClassTotals(), portPackets: new Uint32Array(65_536) });
        }
        lastTotals = windowTotals.get(window)!;
        lastWindow = window;
      }
      lastTable.add(packet, packetClass, classIndex[packetClass]);
      const totals = lastTotals!;
      totals.packets++;
      totals.classTotals[packetClass]++;
      if (packet.timeMicros < totals.firstMicros) totals.firstMicros = packet.timeMicros;
      if (packet.timeMicros > totals.lastMicros) totals.lastMicros = packet.timeMicros;
      if (packet.dstPort !== undefined) totals.portPackets[packet.dstPort]++;
      return packetClass;
    },
    windows: () => [...tables.keys()].sort((a, b) => a - b),
    sources: (start) => tables.get(start)?.summaries() ?? [],
    sourceCount: (start) => tables.get(start)?.count ?? 0,
    totals: (start) => windowTotals.get(start),
    drop(start) {
      tables.delete(start);
      windowTotals.delete(start);
      if (lastWindow === start) lastTable = undefined;
    },
    bytesUsed: () => [...tables.values()].reduce((sum, table) => sum + table.bytesUsed() + 65_536 * 4, 0),
  };
}

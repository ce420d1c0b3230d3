/**
 * Per-source aggregation per time window (a day, an hour): packets are classified and counted
 * into one `SourceTable` per window. Windows are independent so a caller can emit and drop a
 * finished day while the next one fills (live capture), keeping memory bounded.
 */
import { rowField as field, rowFields, type DecodedPacket, type PacketBatch } from '../packet.ts';
import { backscatterClass, classIndex, classifyPacket, packetClasses, type PacketClass } from './classify-packet.ts';
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
  /**
   * Count every row of a batch of classified IPv4 packets, exactly as `add` would each packet
   * in row order (the bulk path: no object per packet).
   */
  addBatch(batch: PacketBatch): void;
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

/** Adds a run of packets (count, earliest and latest time) to a window's counters. */
function addToTotals(totals: WindowTotals | undefined, packets: number, first: number, last: number): void {
  if (totals === undefined || packets === 0) return;
  totals.packets += packets;
  if (first < totals.firstMicros) totals.firstMicros = first;
  if (last > totals.lastMicros) totals.lastMicros = last;
}

/**
 * Create an aggregator.
 * @example
 * const days = createDarknetAggregator({ periodSeconds: 86400 });
 * await scanCapture(file, (packet) => days.add(packet));
 * for (const day of days.windows()) for (const source of days.sources(day)) console.log(source.ip, source.packets);
 */
export function createDarknetAggregator(options: AggregatorOptions): DarknetAggregator {
  return new WindowedAggregator(options);
}

/**
 * A class rather than closures: every aggregator (days and hours side by side) then runs the
 * same compiled code, where per-instance closures made the JIT's call targets change and throw
 * its optimised bulk loop away.
 */
class WindowedAggregator implements DarknetAggregator {
  readonly classTotals = emptyClassTotals();
  private readonly periodMicros: number;
  private readonly darknetFirst: number;
  private readonly darknetEnd: number;
  private readonly tables = new Map<number, SourceTable>();
  private readonly windowTotals = new Map<number, WindowTotals>();
  // Packets arrive in time order, so the window rarely changes: the current one is cached.
  private lastWindow = -1;
  private lastTable: SourceTable | undefined;
  private lastTotals: WindowTotals | undefined;
  // addBatch counts classes here and adds them to the two Records once per run of a window
  // (keyed stores by class name per packet cost more than the rest of the counting).
  private readonly pendingClasses = new Int32Array(packetClasses.length);

  constructor(options: AggregatorOptions) {
    this.periodMicros = options.periodSeconds * 1e6;
    this.darknetFirst = options.darknet?.base ?? 0;
    this.darknetEnd = options.darknet ? options.darknet.base + options.darknet.size : 2 ** 32;
  }

  add(packet: DecodedPacket): PacketClass {
    const packetClass = classifyPacket(packet);
    if (packet.dstV4 !== undefined && (packet.dstV4 < this.darknetFirst || packet.dstV4 >= this.darknetEnd)) return packetClass;
    this.classTotals[packetClass]++;
    const window = Math.floor(packet.timeMicros / this.periodMicros) * this.periodMicros;
    const table = window !== this.lastWindow || this.lastTable === undefined ? this.selectWindow(window, packet.timeMicros) : this.lastTable;
    table.add(packet, packetClass, classIndex[packetClass]);
    const totals = this.lastTotals!;
    totals.packets++;
    totals.classTotals[packetClass]++;
    if (packet.timeMicros < totals.firstMicros) totals.firstMicros = packet.timeMicros;
    if (packet.timeMicros > totals.lastMicros) totals.lastMicros = packet.timeMicros;
    if (packet.dstPort !== undefined) totals.portPackets[packet.dstPort]++;
    return packetClass;
  }

  addBatch(batch: PacketBatch): void {
    const { timeMicros, fields } = batch;
    const { darknetFirst, darknetEnd, periodMicros, pendingClasses } = this;
    // The current window's counters live in locals during the loop and are written back
    // whenever the window changes and at the end (callers only read them between batches).
    let table = this.lastTable;
    let totals = this.lastTotals;
    let portPackets = totals?.portPackets;
    let windowStart = table === undefined ? Infinity : this.lastWindow;
    let windowPackets = 0;
    let first = Infinity;
    let last = -Infinity;
    for (let row = 0, base = 0; row < batch.count; row++, base += rowFields) {
      const destination = fields[base + field.dstV4]! >>> 0;
      if (destination < darknetFirst || destination >= darknetEnd) continue;
      const time = timeMicros[row]!;
      // Same window as Math.floor(time / period) · period gives (exact for integer µs below 2^53).
      if (!(time >= windowStart && time < windowStart + periodMicros) || table === undefined) {
        addToTotals(totals, windowPackets, first, last);
        this.flushPendingClasses();
        windowPackets = 0;
        first = Infinity;
        last = -Infinity;
        windowStart = Math.floor(time / periodMicros) * periodMicros;
        table = this.selectWindow(windowStart, time);
        totals = this.lastTotals!;
        portPackets = totals.portPackets;
      }
      const classNumber = fields[base + field.classNumber]!;
      const dstPort = fields[base + field.dstPort]!;
      table.addV4(
        fields[base + field.srcV4]! >>> 0,
        time,
        classNumber,
        destination,
        classNumber === backscatterClass ? fields[base + field.srcPort]! : dstPort,
      );
      pendingClasses[classNumber]++;
      windowPackets++;
      if (time < first) first = time;
      if (time > last) last = time;
      if (dstPort >= 0) portPackets![dstPort]++;
    }
    addToTotals(totals, windowPackets, first, last);
    this.flushPendingClasses();
  }

  windows(): number[] {
    return [...this.tables.keys()].sort((a, b) => a - b);
  }

  sources(start: number): Iterable<SourceSummary> {
    return this.tables.get(start)?.summaries() ?? [];
  }

  sourceCount(start: number): number {
    return this.tables.get(start)?.count ?? 0;
  }

  totals(start: number): WindowTotals | undefined {
    return this.windowTotals.get(start);
  }

  drop(start: number): void {
    this.tables.delete(start);
    this.windowTotals.delete(start);
    if (this.lastWindow === start) {
      this.lastTable = undefined;
      this.lastTotals = undefined;
    }
  }

  bytesUsed(): number {
    return [...this.tables.values()].reduce((sum, table) => sum + table.bytesUsed() + 65_536 * 4, 0);
  }

  /** Makes `window` the current window (creating it at `timeMicros`) and returns its table. */
  private selectWindow(window: number, timeMicros: number): SourceTable {
    let table = this.tables.get(window);
    if (table === undefined) {
      table = new SourceTable();
      this.tables.set(window, table);
      this.windowTotals.set(window, {
        packets: 0,
        firstMicros: timeMicros,
        lastMicros: timeMicros,
        classTotals: emptyClassTotals(),
        portPackets: new Uint32Array(65_536),
      });
    }
    this.lastTotals = this.windowTotals.get(window)!;
    this.lastWindow = window;
    this.lastTable = table;
    return table;
  }

  private flushPendingClasses(): void {
    const windowClasses = this.lastTotals?.classTotals;
    const pending = this.pendingClasses;
    for (let index = 0; index < pending.length; index++) {
      const count = pending[index]!;
      if (count === 0) continue;
      const name = packetClasses[index]!;
      this.classTotals[name] += count;
      if (windowClasses !== undefined) windowClasses[name] += count;
      pending[index] = 0;
    }
  }
}

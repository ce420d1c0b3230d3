/**
 * What is kept of flows by default: aggregates, not raw flows. One row per hour × source
 * network × destination address × destination port × protocol. The destination stays exact
 * because a C&C server is a destination; the source is cut to its /24 (IPv4) or /48 (IPv6),
 * which keeps the subscriber network an ISP needs for notification while not recording which
 * customer talked to what. Flows count in the hour they started.
 *
 * The rows live in two numeric hash tables (aggregate-table.ts), one for IPv4 flows and one for
 * the rest, and become FlowAggregate objects with text addresses only when they are taken out.
 * The tables together hold at most `maxRows` rows: at the cap the owner's `onFull` runs first
 * (the collector stores the rows early there), and a flow that still finds no room is counted
 * in `droppedFlows`, never silently lost.
 */
import { parseIPv6Words } from '../attribution/address.ts';
import { formatIPv4, parseIPv4 } from '../scope/ipv4.ts';
import { AggregateTable, type AggregateValues, HOUR_MS } from './aggregate-table.ts';
import { addressText, type FlowColumns } from './flow-columns.ts';
import type { FlowRecord } from './flow-record.ts';

export { HOUR_MS };

export interface FlowAggregate {
  /** Start of the hour, epoch ms. */
  hourMs: number;
  /** "192.0.2.0/24" or "2001:db8:1::/48". */
  sourceNetwork: string;
  destinationAddress: string;
  destinationPort: number;
  protocol: number;
  flows: number;
  packets: number;
  bytes: number;
  /** Distinct exporters are not kept; the earliest and latest flow times are. */
  firstMs: number;
  lastMs: number;
}

export interface FlowAggregatorOptions {
  /** Rows held at most (IPv4 and IPv6 together); default 2,000,000 (about 150 MiB). */
  maxRows?: number;
  /** Runs when a flow needs a new row and the tables are full: draining the aggregator here makes room. */
  onFull?: () => void;
}

export const DEFAULT_MAX_ROWS = 2_000_000;

/** IPv4 key words: source /24, destination, port << 8 | protocol. */
const IPV4_KEY_WORDS = 3;
/** Other keys: source /48 (two words), destination (four), port << 16 | protocol << 8 | families. */
const IPV6_KEY_WORDS = 7;
/** Family bits of the IPv6 table's last word: a broken exporter may pair an IPv4 address with an IPv6 one. */
const SOURCE_IS_IPV6 = 1;
const DESTINATION_IS_IPV6 = 2;

/**
 * The source's /24 or /48: the network the aggregates keep instead of the address.
 * @example sourceNetworkOf('192.0.2.77') // '192.0.2.0/24'
 */
export function sourceNetworkOf(address: string): string {
  const ipv4 = parseIPv4(address);
  if (ipv4 !== undefined) return `${formatIPv4(ipv4 & 0xffffff00)}/24`;
  const words = new Uint32Array(4);
  if (!parseIPv6Words(address, words)) return address;
  words[1] = words[1]! & 0xffff0000;
  words[2] = 0;
  words[3] = 0;
  return `${addressText(6, words, 0)}/48`;
}

/** Sums flows into aggregates in memory; the store (or the CLI) takes them out with `drain()` or `rows()`. */
export class FlowAggregator {
  readonly maxRows: number;
  readonly #ipv4: AggregateTable;
  readonly #ipv6: AggregateTable;
  readonly #onFull: (() => void) | undefined;
  readonly #key4 = new Uint32Array(IPV4_KEY_WORDS);
  readonly #key6 = new Uint32Array(IPV6_KEY_WORDS);
  /** Scratch for text input (FlowRecords and restored rows). */
  readonly #sourceWords = new Uint32Array(4);
  readonly #destinationWords = new Uint32Array(4);
  #droppedFlows = 0;

  constructor(options: FlowAggregatorOptions = {}) {
    this.maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
    this.#ipv4 = new AggregateTable(IPV4_KEY_WORDS, this.maxRows);
    this.#ipv6 = new AggregateTable(IPV6_KEY_WORDS, this.maxRows);
    this.#onFull = options.onFull;
  }

  get size(): number {
    return this.#ipv4.size + this.#ipv6.size;
  }

  /** Flows that found the tables full (and no room made by `onFull`): counted, not aggregated. */
  get droppedFlows(): number {
    return this.#droppedFlows;
  }

  /** One flow with text addresses (pcap import, tests). */
  add(flow: FlowRecord): void {
    const source = this.#sourceWords;
    const destination = this.#destinationWords;
    const sourceFamily = parseAddress(flow.sourceAddress, source);
    const destinationFamily = parseAddress(flow.destinationAddress, destination);
    if (sourceFamily === 0 || destinationFamily === 0) {
      this.#droppedFlows++;
      return;
    }
    const hourMs = flow.startMs - (flow.startMs % HOUR_MS);
    this.#sum(
      sourceFamily,
      source,
      0,
      destinationFamily,
      destination,
      0,
      flow.destinationPort,
      flow.protocol,
      hourMs,
      1,
      flow.packets,
      flow.bytes,
      flow.startMs,
      flow.endMs,
    );
  }

  /** Every flow of a decoded batch: the collector's path. */
  addColumns(columns: FlowColumns): void {
    const { count, sourceFamily, destinationFamily, sourceWords, destinationWords, destinationPort, protocol, packets, bytes, startMs, endMs } = columns;
    const ipv4 = this.#ipv4;
    const key = this.#key4;
    // With room for the whole batch, no flow of it can find the tables full: no check per flow.
    const roomForAll = this.size + count <= this.maxRows;
    // A batch's flows mostly start in one hour: its bounds spare the division per flow.
    let hourMs = -1;
    let nextHourMs = -1;
    for (let index = 0; index < count; index++) {
      const start = startMs[index]!;
      if (!(start >= hourMs && start < nextHourMs)) {
        // As `start - (start % HOUR_MS)`, without the floating-point remainder (a libm call, slow).
        hourMs = Math.trunc(start / HOUR_MS) * HOUR_MS;
        // Only a non-negative start's hour covers [hour, hour + 1 h); others are computed each time.
        nextHourMs = hourMs >= 0 ? hourMs + HOUR_MS : -1;
      }
      const at = index * 4;
      // IPv4 flows, nearly all of them, go straight to their table; the rest (and a full table) take the general way.
      if (sourceFamily[index] === 4 && destinationFamily[index] === 4) {
        key[0] = sourceWords[at]! & 0xffffff00;
        key[1] = destinationWords[at]!;
        key[2] = (destinationPort[index]! << 8) | protocol[index]!;
        if (ipv4.add(hourMs, key, 1, packets[index]!, bytes[index]!, start, endMs[index]!, roomForAll || this.size < this.maxRows)) continue;
      }
      this.#sum(
        sourceFamily[index]!,
        sourceWords,
        at,
        destinationFamily[index]!,
        destinationWords,
        at,
        destinationPort[index]!,
        protocol[index]!,
        hourMs,
        1,
        packets[index]!,
        bytes[index]!,
        start,
        endMs[index]!,
      );
    }
  }

  /** Takes the rows out and starts empty: a long-running collector stores them periodically, so memory stays bounded by one period. */
  drain(): FlowAggregate[] {
    const rows = this.rows();
    this.#ipv4.clear();
    this.#ipv6.clear();
    return rows;
  }

  /** Puts drained rows back (their store write failed), summing into rows added since. */
  restore(rows: readonly FlowAggregate[]): void {
    const source = this.#sourceWords;
    const destination = this.#destinationWords;
    for (const row of rows) {
      const sourceFamily = parseAddress(row.sourceNetwork.slice(0, row.sourceNetwork.lastIndexOf('/')), source);
      const destinationFamily = parseAddress(row.destinationAddress, destination);
      if (sourceFamily === 0 || destinationFamily === 0) {
        this.#droppedFlows += row.flows;
        continue;
      }
      this.#sum(
        sourceFamily,
        source,
        0,
        destinationFamily,
        destination,
        0,
        row.destinationPort,
        row.protocol,
        row.hourMs,
        row.flows,
        row.packets,
        row.bytes,
        row.firstMs,
        row.lastMs,
      );
    }
  }

  /** The aggregates, busiest first (by packets); ties by hour, then IPv4 before IPv6 and in arrival order. */
  rows(): FlowAggregate[] {
    const rows: FlowAggregate[] = [];
    this.#collect(this.#ipv4, this.#key4, rows);
    this.#collect(this.#ipv6, this.#key6, rows);
    return rows.sort((a, b) => b.packets - a.packets || a.hourMs - b.hourMs);
  }

  #sum(
    sourceFamily: number,
    source: Uint32Array,
    sourceAt: number,
    destinationFamily: number,
    destination: Uint32Array,
    destinationAt: number,
    port: number,
    protocol: number,
    hourMs: number,
    flows: number,
    packets: number,
    bytes: number,
    firstMs: number,
    lastMs: number,
  ): void {
    let table: AggregateTable;
    let key: Uint32Array;
    if (sourceFamily === 4 && destinationFamily === 4) {
      table = this.#ipv4;
      key = this.#key4;
      key[0] = source[sourceAt]! & 0xffffff00;
      key[1] = destination[destinationAt]!;
      key[2] = (port << 8) | protocol;
    } else {
      table = this.#ipv6;
      key = this.#key6;
      key[0] = sourceFamily === 4 ? source[sourceAt]! & 0xffffff00 : source[sourceAt]!;
      key[1] = sourceFamily === 4 ? 0 : source[sourceAt + 1]! & 0xffff0000;
      const destinationIsIPv6 = destinationFamily === 6;
      key[2] = destination[destinationAt]!;
      key[3] = destinationIsIPv6 ? destination[destinationAt + 1]! : 0;
      key[4] = destinationIsIPv6 ? destination[destinationAt + 2]! : 0;
      key[5] = destinationIsIPv6 ? destination[destinationAt + 3]! : 0;
      key[6] = ((port << 16) | (protocol << 8) | (sourceFamily === 6 ? SOURCE_IS_IPV6 : 0) | (destinationIsIPv6 ? DESTINATION_IS_IPV6 : 0)) >>> 0;
    }
    if (table.add(hourMs, key, flows, packets, bytes, firstMs, lastMs, this.size < this.maxRows)) return;
    this.#onFull?.();
    if (!table.add(hourMs, key, flows, packets, bytes, firstMs, lastMs, this.size < this.maxRows)) this.#droppedFlows += flows;
  }

  #collect(table: AggregateTable, key: Uint32Array, out: FlowAggregate[]): void {
    const values: AggregateValues = { hourMs: 0, flows: 0, packets: 0, bytes: 0, firstMs: 0, lastMs: 0 };
    const ipv4 = table === this.#ipv4;
    for (let row = 0; row < table.size; row++) {
      table.readRow(row, values, key);
      const families = ipv4 ? 0 : key[6]! & 3;
      const sourceNetwork =
        ipv4 || (families & SOURCE_IS_IPV6) === 0 ? `${formatIPv4(key[0]!)}/24` : `${addressText(6, Uint32Array.of(key[0]!, key[1]!, 0, 0), 0)}/48`;
      const destinationAddress = ipv4 ? formatIPv4(key[1]!) : addressText(families & DESTINATION_IS_IPV6 ? 6 : 4, key, 2);
      out.push({
        hourMs: values.hourMs,
        sourceNetwork,
        destinationAddress,
        destinationPort: ipv4 ? key[2]! >>> 8 : key[6]! >>> 16,
        protocol: ipv4 ? key[2]! & 0xff : (key[6]! >>> 8) & 0xff,
        flows: values.flows,
        packets: values.packets,
        bytes: values.bytes,
        firstMs: values.firstMs,
        lastMs: values.lastMs,
      });
    }
  }
}

/** 4 or 6 with the address in `words` (IPv4 in word 0), or 0 when the text is no address. */
function parseAddress(text: string, words: Uint32Array): number {
  const ipv4 = parseIPv4(text);
  if (ipv4 !== undefined) {
    words[0] = ipv4;
    return 4;
  }
  return parseIPv6Words(text, words) ? 6 : 0;
}

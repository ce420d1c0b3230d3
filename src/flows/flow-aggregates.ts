/**
 * What is kept of flows by default: aggregates, not raw flows. One row per hour × source
 * network × destination address × destination port × protocol. The destination stays exact
 * because a C&C server is a destination; the source is cut to its /24 (IPv4) or /48 (IPv6),
 * which keeps the subscriber network an ISP needs for notification while not recording which
 * customer talked to what. Flows count in the hour they started.
 */
import type { FlowRecord } from './flow-record.ts';
import { formatIPv6 } from '../darknet/capture/address.ts';

export const HOUR_MS = 3_600_000;

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

/** The source's /24 or /48: the network the aggregates keep instead of the address. */
export function sourceNetworkOf(address: string): string {
  // Canonical IPv4 text has no colon: cutting at the last dot is the /24, without parsing (the collector's hot path).
  if (!address.includes(':')) return `${address.slice(0, address.lastIndexOf('.'))}.0/24`;
  const bytes = ipv6Bytes(address);
  bytes.fill(0, 6);
  return `${formatIPv6(bytes, 0)}/48`;
}

function ipv6Bytes(address: string): Uint8Array {
  const [head = '', tail] = address.split('::');
  const groups = (text: string) => (text === '' ? [] : text.split(':').map((group) => Number.parseInt(group, 16)));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const bytes = new Uint8Array(16);
  all.forEach((group, index) => {
    bytes[2 * index] = group >>> 8;
    bytes[2 * index + 1] = group & 255;
  });
  return bytes;
}

/** Sums flows into aggregates in memory; the store (or the CLI) takes them out with `rows()`. */
export class FlowAggregator {
  readonly #rows = new Map<string, FlowAggregate>();

  get size(): number {
    return this.#rows.size;
  }

  add(flow: FlowRecord): void {
    const hourMs = flow.startMs - (flow.startMs % HOUR_MS);
    const sourceNetwork = sourceNetworkOf(flow.sourceAddress);
    const key = `${hourMs} ${sourceNetwork} ${flow.destinationAddress} ${flow.destinationPort} ${flow.protocol}`;
    // A hit, the common case, allocates nothing but the key.
    const row = this.#rows.get(key);
    if (row) {
      row.flows++;
      row.packets += flow.packets;
      row.bytes += flow.bytes;
      if (flow.startMs < row.firstMs) row.firstMs = flow.startMs;
      if (flow.endMs > row.lastMs) row.lastMs = flow.endMs;
      return;
    }
    this.#rows.set(key, {
      hourMs,
      sourceNetwork,
      destinationAddress: flow.destinationAddress,
      destinationPort: flow.destinationPort,
      protocol: flow.protocol,
      flows: 1,
      packets: flow.packets,
      bytes: flow.bytes,
      firstMs: flow.startMs,
      lastMs: flow.endMs,
    });
  }

  /** Takes the rows out and starts empty: a long-running collector stores them periodically, so memory stays bounded by one period. */
  drain(): FlowAggregate[] {
    const rows = this.rows();
    this.#rows.clear();
    return rows;
  }

  /** Puts drained rows back (their store write failed), summing into rows added since. */
  restore(rows: readonly FlowAggregate[]): void {
    for (const row of rows) {
      const key = `${row.hourMs} ${row.sourceNetwork} ${row.destinationAddress} ${row.destinationPort} ${row.protocol}`;
      const existing = this.#rows.get(key);
      if (!existing) {
        this.#rows.set(key, { ...row });
        continue;
      }
      existing.flows += row.flows;
      existing.packets += row.packets;
      existing.bytes += row.bytes;
      existing.firstMs = Math.min(existing.firstMs, row.firstMs);
      existing.lastMs = Math.max(existing.lastMs, row.lastMs);
    }
  }

  /** The aggregates, busiest first (by packets). */
  rows(): FlowAggregate[] {
    return [...this.#rows.values()].sort((a, b) => b.packets - a.packets || a.hourMs - b.hourMs);
  }
}

/**
 * Flows from pcap/pcapng files (gzip too), through the darknet capture reader: packets are
 * aggregated by 5-tuple (source, destination, ports, protocol; one direction, as NetFlow
 * does) and a flow ends when it has been idle longer than the idle timeout, measured in
 * capture time so a file reads the same whatever the machine. The flow table is bounded: when
 * full, the flow idle longest is ended early.
 */
import type { FlowRecord } from './flow-record.ts';
import { scanCapture, type CaptureSource, type CaptureStats } from '../darknet/capture/reader.ts';

export interface PcapFlowOptions {
  /** A flow with no packet for this long ends (default 15 s, softflowd's and nfdump's order of magnitude for idle flows). */
  idleTimeoutMs?: number;
  /** Flows tracked at once (default 65536). */
  maxActiveFlows?: number;
  /** The exporter name flows carry (default "pcap:FILE"). */
  exporter?: string;
}

export interface PcapFlowStats {
  capture: CaptureStats;
  /** Packets that were not IPv4/IPv6 or were truncated before the transport header. */
  skippedPackets: number;
  flows: number;
  /** Flows ended early because the table was full. */
  evicted: number;
}

interface ActiveFlow {
  record: FlowRecord;
}

/** How often (in packets) idle flows are swept: often enough to bound memory, rarely enough to cost nothing. */
const SWEEP_EVERY_PACKETS = 4096;

/**
 * Reads the capture and calls `onFlow` for every flow as it ends (all remaining ones at the end).
 * @example await flowsFromCapture('trace.pcap', (flow) => aggregator.add(flow))
 */
export async function flowsFromCapture(source: CaptureSource, onFlow: (flow: FlowRecord) => void, options: PcapFlowOptions = {}): Promise<PcapFlowStats> {
  const idleTimeoutMs = options.idleTimeoutMs ?? 15_000;
  const maxActiveFlows = options.maxActiveFlows ?? 65_536;
  const exporter = options.exporter ?? `pcap:${typeof source === 'string' ? source : 'stream'}`;
  // Map order is insertion order; a flow is re-inserted on every packet, so the first entry is the one idle longest.
  const active = new Map<string, ActiveFlow>();
  let skippedPackets = 0;
  let flows = 0;
  let evicted = 0;
  let sinceSweep = 0;
  const finish = (key: string, flow: ActiveFlow) => {
    active.delete(key);
    flows++;
    onFlow(flow.record);
  };
  const capture = await scanCapture(source, (packet) => {
    if (packet.src === undefined || packet.dst === undefined || packet.ipProtocol === undefined || packet.ipLength === undefined) {
      skippedPackets++;
      return;
    }
    const nowMs = Math.floor(packet.timeMicros / 1000);
    const sourcePort = packet.srcPort ?? 0;
    const destinationPort = packet.dstPort ?? 0;
    const key = `${packet.src} ${packet.dst} ${sourcePort} ${destinationPort} ${packet.ipProtocol}`;
    const existing = active.get(key);
    if (existing && nowMs - existing.record.endMs > idleTimeoutMs) finish(key, existing);
    const flow = active.get(key);
    if (flow) {
      const record = flow.record;
      record.packets++;
      record.bytes += packet.ipLength;
      record.endMs = nowMs;
      if (packet.tcpFlags !== undefined) record.tcpFlags = (record.tcpFlags ?? 0) | packet.tcpFlags;
      active.delete(key);
      active.set(key, flow);
    } else {
      if (active.size >= maxActiveFlows) {
        const [oldestKey, oldest] = active.entries().next().value as [string, ActiveFlow];
        evicted++;
        finish(oldestKey, oldest);
      }
      active.set(key, {
        record: {
          exporter,
          sourceAddress: packet.src,
          destinationAddress: packet.dst,
          sourcePort,
          destinationPort,
          protocol: packet.ipProtocol,
          packets: 1,
          bytes: packet.ipLength,
          startMs: nowMs,
          endMs: nowMs,
          ...(packet.tcpFlags !== undefined ? { tcpFlags: packet.tcpFlags } : {}),
        },
      });
    }
    if (++sinceSweep >= SWEEP_EVERY_PACKETS) {
      sinceSweep = 0;
      for (const [staleKey, stale] of active) {
        if (nowMs - stale.record.endMs <= idleTimeoutMs) break;
        finish(staleKey, stale);
      }
    }
  });
  for (const [key, flow] of active) finish(key, flow);
  return { capture, skippedPackets, flows, evicted };
}

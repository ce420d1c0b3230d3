/**
 * The flow collector: the UDP listener in, the decoders in between, FlowRecords out in one
 * batch per datagram. Nothing an exporter sends can make it throw: decoding problems are
 * counted, and an exception from the consumer is counted too rather than tearing down the socket.
 */
import type { FlowRecord } from './flow-record.ts';
import { DecodeContext } from './decode-context.ts';
import type { DecodeCounters } from './decode-counters.ts';
import { decodeFlowDatagram } from './flow-decoder.ts';
import type { TemplateCacheLimits } from './template-cache.ts';
import { listenUdp, type UdpListenerCounters, type UdpListenerOptions } from '../scope/udp-listener.ts';

export interface FlowCollectorOptions {
  listen: UdpListenerOptions;
  templateLimits?: Partial<TemplateCacheLimits>;
  /** The clock used for template expiry (tests pass a fixed one). */
  now?: () => number;
}

export interface FlowCollector {
  readonly address: string;
  readonly port: number;
  readonly listener: Readonly<UdpListenerCounters>;
  readonly decoder: Readonly<DecodeCounters>;
  /** Batches whose consumer threw (the batch is lost, the collector goes on). */
  readonly consumerFailures: number;
  close(): Promise<void>;
}

/**
 * @example const collector = await startFlowCollector({ listen: { address: '127.0.0.1', port: 2055 } }, (flows) => totals.add(flows))
 */
export async function startFlowCollector(options: FlowCollectorOptions, onFlows: (flows: FlowRecord[]) => void): Promise<FlowCollector> {
  const context = new DecodeContext(options.templateLimits);
  const now = options.now ?? Date.now;
  let consumerFailures = 0;
  const listener = await listenUdp(options.listen, (datagram, sender) => {
    const flows = decodeFlowDatagram(datagram, sender, context, now());
    if (flows.length === 0) return;
    try {
      onFlows(flows);
    } catch {
      consumerFailures++;
    }
  });
  return {
    address: listener.address,
    port: listener.port,
    listener: listener.counters,
    decoder: context.counters,
    get consumerFailures() {
      return consumerFailures;
    },
    close: () => listener.close(),
  };
}

/**
 * The flow collector: the UDP listener in, the decoders in between, one batch per datagram out.
 * Two kinds of consumer: a columnar one gets the batch as numeric columns (the aggregator: no
 * object per flow), a record one gets FlowRecord objects, built only when one is attached.
 * Nothing an exporter sends can make it throw: decoding problems are counted, and an exception
 * from a consumer is counted too rather than tearing down the socket.
 */
import type { FlowRecord } from './flow-record.ts';
import { DecodeContext } from './decode-context.ts';
import type { DecodeCounters } from './decode-counters.ts';
import { FlowColumns } from './flow-columns.ts';
import { decodeFlowColumns } from './flow-decoder.ts';
import type { TemplateCacheLimits } from './template-cache.ts';
import { listenUdp, type UdpListenerCounters, type UdpListenerOptions } from '../scope/udp-listener.ts';

export interface FlowCollectorOptions {
  listen: UdpListenerOptions;
  templateLimits?: Partial<TemplateCacheLimits>;
  /** The clock used for template expiry (tests pass a fixed one). */
  now?: () => number;
}

/** Who gets each datagram's flows; either may be absent. */
export interface FlowConsumers {
  /** The batch as columns; it is reused for the next datagram, so copy what you keep. */
  columns?: (batch: FlowColumns) => void;
  /** The batch as FlowRecords (fresh objects). */
  records?: (flows: FlowRecord[]) => void;
}

export interface FlowCollector {
  readonly address: string;
  readonly port: number;
  readonly listener: Readonly<UdpListenerCounters>;
  /** The transport receiving now, and the native receiver's process id while it runs. */
  readonly receiver: 'native' | 'dgram';
  readonly receiverPid: number | undefined;
  readonly decoder: Readonly<DecodeCounters>;
  /** Batches a consumer threw on (that consumer's batch is lost, the collector goes on). */
  readonly consumerFailures: number;
  close(): Promise<void>;
}

/**
 * @example const collector = await startFlowCollector({ listen: { address: '127.0.0.1', port: 2055 } }, (flows) => totals.add(flows))
 * @example const collector = await startFlowCollector(options, { columns: (batch) => aggregator.addColumns(batch) })
 */
export async function startFlowCollector(options: FlowCollectorOptions, consumers: FlowConsumers | ((flows: FlowRecord[]) => void)): Promise<FlowCollector> {
  const { columns: onColumns, records: onRecords } = typeof consumers === 'function' ? { columns: undefined, records: consumers } : consumers;
  const context = new DecodeContext(options.templateLimits);
  const batch = new FlowColumns();
  const now = options.now ?? Date.now;
  let consumerFailures = 0;
  const listener = await listenUdp(options.listen, (datagram, sender) => {
    if (decodeFlowColumns(datagram, sender, context, now(), batch) === 0) return;
    if (onColumns) {
      try {
        onColumns(batch);
      } catch {
        consumerFailures++;
      }
    }
    if (onRecords) {
      try {
        onRecords(batch.toRecords());
      } catch {
        consumerFailures++;
      }
    }
  });
  return {
    address: listener.address,
    port: listener.port,
    listener: listener.counters,
    get receiver() {
      return listener.receiver;
    },
    get receiverPid() {
      return listener.receiverPid;
    },
    decoder: context.counters,
    get consumerFailures() {
      return consumerFailures;
    },
    close: () => listener.close(),
  };
}

/**
 * One entry for every export format: the version field (the first two bytes of NetFlow v5,
 * v9 and IPFIX alike) picks the decoder. Never throws on input: whatever is wrong is counted
 * in the context's counters.
 */
import type { FlowRecord } from './flow-record.ts';
import type { DecodeContext } from './decode-context.ts';
import { FlowColumns } from './flow-columns.ts';
import { decodeIpfix } from './ipfix.ts';
import { decodeNetflowV5 } from './netflow-v5.ts';
import { decodeNetflowV9 } from './netflow-v9.ts';
import { readU16 } from './bytes.ts';

/**
 * The flows in one export datagram from `exporterAddress`, written into `columns` (emptied
 * first): the collector's path, no object per flow. Returns how many there are.
 * @example const count = decodeFlowColumns(message, '192.0.2.1', context, Date.now(), columns)
 */
export function decodeFlowColumns(datagram: Uint8Array, exporterAddress: string, context: DecodeContext, nowMs: number, columns: FlowColumns): number {
  context.counters.datagrams++;
  columns.reset(exporterAddress);
  if (datagram.length < 2) {
    context.counters.malformed['short-header']++;
    return 0;
  }
  switch (readU16(datagram, 0)) {
    case 5:
      decodeNetflowV5(datagram, context.counters, columns);
      break;
    case 9:
      decodeNetflowV9(datagram, exporterAddress, context, nowMs, columns);
      break;
    case 10:
      decodeIpfix(datagram, exporterAddress, context, nowMs, columns);
      break;
    default:
      context.counters.malformed['unknown-version']++;
  }
  return columns.count;
}

/**
 * The flows in one export datagram from `exporterAddress`, as FlowRecords.
 * @example const flows = decodeFlowDatagram(message, '192.0.2.1', new DecodeContext(), Date.now())
 */
export function decodeFlowDatagram(datagram: Uint8Array, exporterAddress: string, context: DecodeContext, nowMs: number): FlowRecord[] {
  const columns = new FlowColumns();
  decodeFlowColumns(datagram, exporterAddress, context, nowMs, columns);
  return columns.toRecords();
}

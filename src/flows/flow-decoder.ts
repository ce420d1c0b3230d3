/**
 * One entry for every export format: the version field (the first two bytes of NetFlow v5,
 * v9 and IPFIX alike) picks the decoder. Never throws on input: whatever is wrong is counted
 * in the context's counters.
 */
import type { FlowRecord } from './flow-record.ts';
import type { DecodeContext } from './decode-context.ts';
import { decodeIpfix } from './ipfix.ts';
import { decodeNetflowV5 } from './netflow-v5.ts';
import { decodeNetflowV9 } from './netflow-v9.ts';
import { readU16 } from './bytes.ts';

/**
 * The flows in one export datagram from `exporterAddress`.
 * @example const flows = decodeFlowDatagram(message, '192.0.2.1', new DecodeContext(), Date.now())
 */
export function decodeFlowDatagram(datagram: Uint8Array, exporterAddress: string, context: DecodeContext, nowMs: number): FlowRecord[] {
  context.counters.datagrams++;
  const out: FlowRecord[] = [];
  if (datagram.length < 2) {
    context.counters.malformed['short-header']++;
    return out;
  }
  switch (readU16(datagram, 0)) {
    case 5:
      decodeNetflowV5(datagram, exporterAddress, context.counters, out);
      break;
    case 9:
      decodeNetflowV9(datagram, exporterAddress, context, nowMs, out);
      break;
    case 10:
      decodeIpfix(datagram, exporterAddress, context, nowMs, out);
      break;
    default:
      context.counters.malformed['unknown-version']++;
  }
  return out;
}

/**
 * NetFlow v5: a 24-byte header and fixed 48-byte IPv4 records, no templates. Record times are
 * milliseconds of the exporter's uptime, turned into epoch milliseconds through the header's
 * uptime and wall-clock time.
 */
import type { FlowRecord } from './flow-record.ts';
import { formatIPv4 } from '../darknet/capture/address.ts';
import { readU16, readU32 } from './bytes.ts';
import type { DecodeCounters } from './decode-counters.ts';

const HEADER_BYTES = 24;
const RECORD_BYTES = 48;

/** Appends the datagram's flows to `out`; a malformed datagram is counted and yields nothing. */
export function decodeNetflowV5(datagram: Uint8Array, exporterAddress: string, counters: DecodeCounters, out: FlowRecord[]): void {
  if (datagram.length < HEADER_BYTES) {
    counters.malformed['short-header']++;
    return;
  }
  const count = readU16(datagram, 2);
  // A v5 datagram is exactly header + count records; anything else means truncation or garbage.
  if (count === 0 || HEADER_BYTES + count * RECORD_BYTES > datagram.length) {
    counters.malformed['v5-count-mismatch']++;
    return;
  }
  const uptimeMs = readU32(datagram, 4);
  const exportMs = readU32(datagram, 8) * 1000 + Math.floor(readU32(datagram, 12) / 1e6);
  const bootMs = exportMs - uptimeMs;
  for (let index = 0; index < count; index++) {
    const at = HEADER_BYTES + index * RECORD_BYTES;
    const protocol = datagram[at + 38]!;
    out.push({
      exporter: exporterAddress,
      sourceAddress: formatIPv4(readU32(datagram, at)),
      destinationAddress: formatIPv4(readU32(datagram, at + 4)),
      sourcePort: readU16(datagram, at + 32),
      destinationPort: readU16(datagram, at + 34),
      protocol,
      packets: readU32(datagram, at + 16),
      bytes: readU32(datagram, at + 20),
      startMs: bootMs + readU32(datagram, at + 24),
      endMs: bootMs + readU32(datagram, at + 28),
      ...(protocol === 6 ? { tcpFlags: datagram[at + 37]! } : {}),
    });
  }
  counters.records += count;
}

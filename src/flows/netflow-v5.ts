/**
 * NetFlow v5: a 24-byte header and fixed 48-byte IPv4 records, no templates. Record times are
 * milliseconds of the exporter's uptime, turned into epoch milliseconds through the header's
 * uptime and wall-clock time.
 */
import { readU16, readU32 } from './bytes.ts';
import type { DecodeCounters } from './decode-counters.ts';
import { type FlowColumns, NO_TCP_FLAGS } from './flow-columns.ts';

const HEADER_BYTES = 24;
const RECORD_BYTES = 48;

/** Appends the datagram's flows to `columns`; a malformed datagram is counted and yields nothing. */
export function decodeNetflowV5(datagram: Uint8Array, counters: DecodeCounters, columns: FlowColumns): void {
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
  for (let record = 0; record < count; record++) {
    const at = HEADER_BYTES + record * RECORD_BYTES;
    const index = columns.claim();
    const protocol = datagram[at + 38]!;
    columns.sourceFamily[index] = 4;
    columns.destinationFamily[index] = 4;
    columns.sourceWords.fill(0, index * 4, index * 4 + 4);
    columns.destinationWords.fill(0, index * 4, index * 4 + 4);
    columns.sourceWords[index * 4] = readU32(datagram, at);
    columns.destinationWords[index * 4] = readU32(datagram, at + 4);
    columns.sourcePort[index] = readU16(datagram, at + 32);
    columns.destinationPort[index] = readU16(datagram, at + 34);
    columns.protocol[index] = protocol;
    // v5 always has a flags byte; it means something only for TCP.
    columns.tcpFlags[index] = protocol === 6 ? datagram[at + 37]! : NO_TCP_FLAGS;
    columns.packets[index] = readU32(datagram, at + 16);
    columns.bytes[index] = readU32(datagram, at + 20);
    columns.startMs[index] = bootMs + readU32(datagram, at + 24);
    columns.endMs[index] = bootMs + readU32(datagram, at + 28);
  }
  counters.records += count;
}

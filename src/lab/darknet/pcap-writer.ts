/**
 * A streaming pcap / pcapng writer. Records are batched into a buffer and handed to the
 * stream in large chunks (one write per packet would dominate the cost at tens of millions
 * of packets); when the stream asks us to wait (write() returned false) we wait for 'drain'.
 * Formats: libpcap (https://www.tcpdump.org/manpages/pcap-savefile.5.txt) and pcapng
 * (draft-ietf-opsawg-pcapng: SHB, one IDB with if_tsresol, EPBs), little-endian.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';

export interface CaptureWriterOptions {
  format: 'pcap' | 'pcapng';
  /** 1 = Ethernet, 101 = raw IP (LINKTYPE_RAW). */
  linkType: 1 | 101;
  /** Nanosecond timestamps (pcap magic 0xa1b23c4d, pcapng if_tsresol 9). */
  nanosecond?: boolean;
  snapLength?: number;
}

export interface CaptureWriter {
  /** Append one frame; returns a promise only when the caller must wait for the stream. */
  write(timeMicros: number, frame: Uint8Array, originalLength?: number): Promise<void> | undefined;
  /** Flush, end the stream (when the writer opened it) and wait until it is finished. */
  close(): Promise<void>;
  readonly packetsWritten: number;
}

const batchBytes = 1 << 18;

/**
 * Create a writer on a file path or an open stream.
 * @example
 * const writer = createCaptureWriter('/tmp/x.pcapng', { format: 'pcapng', linkType: 101 });
 * await writer.write(1_700_000_000_000_000, buildTcp(...)); await writer.close();
 */
export function createCaptureWriter(target: string | Writable, options: CaptureWriterOptions): CaptureWriter {
  const ownsStream = typeof target === 'string';
  const stream: Writable = typeof target === 'string' ? createWriteStream(target) : target;
  const snapLength = options.snapLength ?? 262144;
  const nanosecond = options.nanosecond ?? false;
  let batch = Buffer.allocUnsafe(batchBytes);
  let used = 0;
  let packetsWritten = 0;

  const reserve = (bytes: number): void => {
    if (used + bytes <= batch.length) return;
    // Caller flushes before reserving; only an oversized record needs a bigger buffer.
    const bigger = Buffer.allocUnsafe(Math.max(batch.length * 2, used + bytes));
    batch.copy(bigger, 0, 0, used);
    batch = bigger;
  };

  const flush = (): Promise<void> | undefined => {
    if (used === 0) return undefined;
    const chunk = Buffer.from(batch.subarray(0, used));
    used = 0;
    if (stream.write(chunk)) return undefined;
    return once(stream, 'drain').then(() => undefined);
  };

  const header = options.format === 'pcap' ? pcapFileHeader(options.linkType, snapLength, nanosecond) : pcapngHeader(options.linkType, snapLength, nanosecond);
  header.copy(batch, 0);
  used = header.length;

  return {
    get packetsWritten() {
      return packetsWritten;
    },
    write(timeMicros, frame, originalLength = frame.length) {
      const captured = Math.min(frame.length, snapLength);
      const padded = (captured + 3) & ~3;
      const recordLength = options.format === 'pcap' ? 16 + captured : 32 + padded;
      reserve(recordLength);
      const seconds = Math.floor(timeMicros / 1e6);
      const fraction = nanosecond ? (timeMicros - seconds * 1e6) * 1000 : timeMicros - seconds * 1e6;
      if (options.format === 'pcap') {
        batch.writeUInt32LE(seconds >>> 0, used);
        batch.writeUInt32LE(Math.round(fraction) >>> 0, used + 4);
        batch.writeUInt32LE(captured, used + 8);
        batch.writeUInt32LE(originalLength, used + 12);
        batch.set(frame.subarray(0, captured), used + 16);
      } else {
        const units = BigInt(seconds) * (nanosecond ? 1_000_000_000n : 1_000_000n) + BigInt(Math.round(fraction));
        batch.writeUInt32LE(6, used);
        batch.writeUInt32LE(recordLength, used + 4);
        batch.writeUInt32LE(0, used + 8);
        batch.writeUInt32LE(Number(units >> 32n), used + 12);
        batch.writeUInt32LE(Number(units & 0xffffffffn), used + 16);
        batch.writeUInt32LE(captured, used + 20);
        batch.writeUInt32LE(originalLength, used + 24);
        batch.set(frame.subarray(0, captured), used + 28);
        batch.fill(0, used + 28 + captured, used + 28 + padded);
        batch.writeUInt32LE(recordLength, used + 28 + padded);
      }
      used += recordLength;
      packetsWritten++;
      return used >= batchBytes - 2048 ? flush() : undefined;
    },
    async close() {
      await flush();
      if (!ownsStream) return;
      stream.end();
      await once(stream, 'close');
    },
  };
}

function pcapFileHeader(linkType: number, snapLength: number, nanosecond: boolean): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(nanosecond ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(snapLength, 16);
  header.writeUInt32LE(linkType, 20);
  return header;
}

/** Section Header Block followed by one Interface Description Block. */
function pcapngHeader(linkType: number, snapLength: number, nanosecond: boolean): Buffer {
  const section = Buffer.alloc(28);
  section.writeUInt32LE(0x0a0d0d0a, 0);
  section.writeUInt32LE(28, 4);
  section.writeUInt32LE(0x1a2b3c4d, 8);
  section.writeUInt16LE(1, 12);
  section.writeUInt16LE(0, 14);
  section.writeBigInt64LE(-1n, 16); // section length unknown: we stream
  section.writeUInt32LE(28, 24);
  const iface = Buffer.alloc(32);
  iface.writeUInt32LE(1, 0);
  iface.writeUInt32LE(32, 4);
  iface.writeUInt16LE(linkType, 8);
  iface.writeUInt32LE(snapLength, 12);
  iface.writeUInt16LE(9, 16); // if_tsresol
  iface.writeUInt16LE(1, 18);
  iface.writeUInt8(nanosecond ? 9 : 6, 20);
  // bytes 21..23 padding, 24..27 opt_endofopt (zeros)
  iface.writeUInt32LE(32, 28);
  return Buffer.concat([section, iface]);
}

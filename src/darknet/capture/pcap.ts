/**
 * The classic pcap file header (libpcap format): magic number in either byte order for µs or
 * ns timestamps, snap length and link type. Records follow as 16-byte headers + data.
 */
import { MAX_RECORD_BYTES } from './pcapng.ts';

/** Largest pcap caplen accepted whatever the header's snaplen says (libpcap's maximum). */
export const MAX_PCAP_CAPLEN = 262_144;
export const PCAP_HEADER_BYTES = 24;

const PCAP_MICRO = 0xa1b2c3d4;
const PCAP_NANO = 0xa1b23c4d;

export interface PcapHeader {
  littleEndian: boolean;
  nanosecond: boolean;
  linkType: number;
  /** Records longer than this are corrupt. */
  caplenLimit: number;
}

/**
 * Reads the file header at `buf[0]`: 'more' until 24 bytes are there, 'not-pcap' for another magic.
 * @example readPcapHeader(firstChunk) // { littleEndian: true, nanosecond: false, linkType: 1, caplenLimit: 262144 }
 */
export function readPcapHeader(buf: Buffer): PcapHeader | 'more' | 'not-pcap' {
  if (buf.length < 4) return 'more';
  for (const littleEndian of [true, false]) {
    const magic = littleEndian ? buf.readUInt32LE(0) : buf.readUInt32BE(0);
    if (magic !== PCAP_MICRO && magic !== PCAP_NANO) continue;
    if (buf.length < PCAP_HEADER_BYTES) return 'more';
    const read = (at: number) => (littleEndian ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
    return {
      littleEndian,
      nanosecond: magic === PCAP_NANO,
      // The upper bits of the link-type field carry FCS information, not the type.
      linkType: read(20) & 0x0fffffff,
      caplenLimit: Math.min(Math.max(read(16), MAX_PCAP_CAPLEN), MAX_RECORD_BYTES),
    };
  }
  return 'not-pcap';
}

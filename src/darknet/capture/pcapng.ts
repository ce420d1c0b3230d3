/**
 * pcapng details the container parser needs beside its block walk: interface options
 * (timestamp resolution and offset), tick → µs conversion, and the span of a block whose
 * start was carried over from the previous chunk. Format: draft-ietf-opsawg-pcapng.
 */

/** Largest record or block accepted; tshark's own limits are of this order. */
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;
export const PCAPNG_SHB = 0x0a0d0d0a;
export const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
export const PCAPNG_BYTE_ORDER_SWAPPED = 0x4d3c2b1a;

/** What an Interface Description Block says about the packets that name it. */
export interface PcapngInterface {
  linkType: number;
  snapLength: number;
  /** Ticks per µs (≥ 1) … */
  divisor: number;
  /** … or µs per tick (≥ 1), whichever keeps the arithmetic exact. */
  multiplier: number;
  offsetMicros: number;
}

/**
 * Reads if_tsresol (code 9) and if_tsoffset (code 14) from the options in `view[at..end)`;
 * other options are skipped.
 * @example readInterfaceOptions(view, blockStart + 16, blockEnd - 4, true, described)
 */
export function readInterfaceOptions(view: DataView, at: number, end: number, littleEndian: boolean, described: PcapngInterface): void {
  for (let guard = 0; at + 4 <= end && guard < 4096; guard++) {
    const code = view.getUint16(at, littleEndian);
    const length = view.getUint16(at + 2, littleEndian);
    const value = at + 4;
    if (code === 0 || value + length > end) return;
    if (code === 9 && length >= 1) {
      const resolution = view.getUint8(value);
      const exponent = resolution & 0x7f;
      const ticksPerSecond = resolution & 0x80 ? 2 ** exponent : 10 ** exponent;
      // Exact integer arithmetic for the common decimal resolutions (see pcapngMicros()).
      if (ticksPerSecond >= 1_000_000) {
        described.divisor = ticksPerSecond / 1_000_000;
        described.multiplier = 1;
      } else {
        described.divisor = 1;
        described.multiplier = 1_000_000 / ticksPerSecond;
      }
    } else if (code === 14 && length >= 8) {
      const high = view.getInt32(littleEndian ? value + 4 : value, littleEndian);
      const low = view.getUint32(littleEndian ? value : value + 4, littleEndian);
      described.offsetMicros = (high * 4294967296 + low) * 1_000_000;
    }
    at = value + Math.ceil(length / 4) * 4;
  }
}

/**
 * 64-bit tick count → µs. The tick count can exceed 2^53 (ns since 1970), so split the
 * division: (hi·2^32 + lo)/d = hi·⌊2^32/d⌋ + ⌊(hi·(2^32 mod d) + lo)/d⌋, exact in doubles.
 * @example pcapngMicros(0, 1_500_000_000, { divisor: 1000, multiplier: 1, offsetMicros: 0, linkType: 1, snapLength: 0 }) // 1_500_000
 */
export function pcapngMicros(high: number, low: number, described: PcapngInterface): number {
  const divisor = described.divisor;
  if (divisor === 1) return Math.floor((high * 4294967296 + low) * described.multiplier) + described.offsetMicros;
  if (!Number.isInteger(divisor) || divisor > 4294967296) {
    return Math.floor((high * 4294967296 + low) / divisor) + described.offsetMicros;
  }
  const quotient = Math.floor(4294967296 / divisor);
  const remainder = 4294967296 - quotient * divisor;
  return high * quotient + Math.floor((high * remainder + low) / divisor) + described.offsetMicros;
}

/**
 * Bytes the block starting at `buf[0]` needs before it can be parsed: 12 until its type,
 * length and (for a section header) byte-order magic are there, then its total length. A
 * length the parser will reject counts as 12, so the parser gets to report it.
 * @example pcapngBlockSpan(carried, true) // e.g. 96 for a 96-byte Enhanced Packet Block
 */
export function pcapngBlockSpan(buf: Buffer, littleEndian: boolean): number {
  if (buf.length < 12) return 12;
  let little = littleEndian;
  if (buf.readUInt32BE(0) === PCAPNG_SHB) {
    const order = buf.readUInt32LE(8);
    if (order !== PCAPNG_BYTE_ORDER_MAGIC && order !== PCAPNG_BYTE_ORDER_SWAPPED) return 12;
    little = order === PCAPNG_BYTE_ORDER_MAGIC;
  }
  const total = little ? buf.readUInt32LE(4) : buf.readUInt32BE(4);
  return total < 12 || total % 4 !== 0 || total > MAX_RECORD_BYTES ? 12 : total;
}

/** The packet a block holds, filled in by `readPcapngBlock`: one object reused for every block (no allocation per packet). */
export interface PcapngPacket {
  /** The interface it was captured on; undefined when the block held no packet. */
  described: PcapngInterface | undefined;
  offset: number;
  captured: number;
  length: number;
  timeMicros: number;
}

/**
 * Interpret one complete, length-checked block at `at` of `view`: a section header empties
 * `interfaces`, an interface description joins them, a packet block fills `packet` (its
 * `described` stays undefined for any other block). Returns what is wrong with the block, or
 * undefined.
 * @example const problem = readPcapngBlock(view, at, 6, total, true, interfaces, packet); if (!problem && packet.described) emit(packet);
 */
export function readPcapngBlock(
  view: DataView,
  at: number,
  type: number,
  total: number,
  littleEndian: boolean,
  interfaces: PcapngInterface[],
  packet: PcapngPacket,
): string | undefined {
  packet.described = undefined;
  switch (type) {
    case PCAPNG_SHB:
      if (total < 28) return 'section header block too short';
      interfaces.length = 0;
      return undefined;
    case 1: {
      // Interface Description Block
      if (total < 20) return 'interface description block too short';
      const described: PcapngInterface = {
        linkType: view.getUint16(at + 8, littleEndian),
        snapLength: view.getUint32(at + 12, littleEndian),
        divisor: 1,
        multiplier: 1,
        offsetMicros: 0,
      };
      readInterfaceOptions(view, at + 16, at + total - 4, littleEndian, described);
      interfaces.push(described);
      return undefined;
    }
    case 6:
    case 2: {
      // Enhanced Packet Block, obsolete Packet Block
      if (total < 32) return 'packet block too short';
      const interfaceId = type === 6 ? view.getUint32(at + 8, littleEndian) : view.getUint16(at + 8, littleEndian);
      const described = interfaces[interfaceId];
      if (described === undefined) return `packet block names interface ${interfaceId}, which is not described`;
      const captured = view.getUint32(at + 20, littleEndian);
      if (captured > total - 32) return `packet block caplen ${captured} exceeds its block`;
      packet.described = described;
      packet.offset = at + 28;
      packet.captured = captured;
      packet.length = view.getUint32(at + 24, littleEndian);
      packet.timeMicros = pcapngMicros(view.getUint32(at + 12, littleEndian), view.getUint32(at + 16, littleEndian), described);
      return undefined;
    }
    case 3: {
      // Simple Packet Block: no timestamp, caplen implied by snaplen and block size
      if (total < 16) return 'simple packet block too short';
      const described = interfaces[0];
      if (described === undefined) return 'simple packet block before any interface description';
      const length = view.getUint32(at + 8, littleEndian);
      let captured = Math.min(length, total - 16);
      if (described.snapLength > 0) captured = Math.min(captured, described.snapLength);
      packet.described = described;
      packet.offset = at + 12;
      packet.captured = captured;
      packet.length = length;
      packet.timeMicros = 0;
      return undefined;
    }
    default: // name resolution, statistics, decryption secrets, custom, …: not packets
      return undefined;
  }
}

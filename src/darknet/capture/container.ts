/**
 * A push parser for pcap and pcapng containers: feed it chunks of the (decompressed) file, it
 * calls back once per frame with the frame's location inside the chunk buffer (no copies).
 * Only the incomplete tail of a chunk is carried over to the next one, so memory stays bounded
 * by the chunk size plus one record (records above MAX_RECORD_BYTES are corrupt by definition).
 */
import { OpenNoticeError } from '../../core/errors.ts';
import type { FrameInfo } from './decode.ts';

/** Largest record or block accepted; tshark's own limits are of this order. */
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;
/** Largest pcap caplen accepted whatever the header's snaplen says (libpcap's maximum). */
const MAX_PCAP_CAPLEN = 262_144;

const PCAP_MICRO = 0xa1b2c3d4;
const PCAP_NANO = 0xa1b23c4d;
const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;

export interface ContainerStats {
  /** Frames handed to the callback. */
  packets: number;
  /** Bytes of (decompressed) capture consumed. */
  bytes: number;
  /** Corrupt records/blocks skipped (skip mode only). */
  skipped: number;
  /** Byte offsets of the corrupt places met (skip mode only). */
  corruptAt: number[];
  /** Container format once sniffed. */
  format?: 'pcap' | 'pcapng';
}

export interface ContainerOptions {
  onCorrupt: 'throw' | 'skip';
  /** Named in error messages. */
  file: string;
}

interface PcapngInterface { linkType: number; snapLength: number; divisor: number; multiplier: number; offsetMicros: number }

/** Why parsing stopped early (skip mode): nothing after this point can be trusted. */
type ParseState = 'header' | 'pcap' | 'pcapng' | 'stopped';

/**
 * Incremental pcap/pcapng parser.
 * @example
 * const parser = new ContainerParser({ onCorrupt: 'throw', file: 'x.pcap' }, (frame) => count++);
 * for await (const chunk of stream) parser.push(chunk);
 * parser.finish();
 */
export class ContainerParser {
  readonly stats: ContainerStats = { packets: 0, bytes: 0, skipped: 0, corruptAt: [] };
  private readonly options: ContainerOptions;
  private readonly onFrame: (frame: FrameInfo) => void;
  private carry: Buffer = Buffer.alloc(0);
  /** File offset of carry[0]. */
  private base = 0;
  private state: ParseState = 'header';
  private littleEndian = true;
  private pcapNano = false;
  private pcapLinkType = 0;
  private pcapCaplenLimit = MAX_PCAP_CAPLEN;
  private interfaces: PcapngInterface[] = [];
  private readonly frame: FrameInfo = { buffer: Buffer.alloc(0), offset: 0, captured: 0, length: 0, linkType: 0, timeMicros: 0 };

  constructor(options: ContainerOptions, onFrame: (frame: FrameInfo) => void) {
    this.options = options;
    this.onFrame = onFrame;
  }

  /** Parses every complete record in `chunk` (plus what was carried over). */
  push(chunk: Buffer): void {
    if (this.state === 'stopped') { this.stats.bytes += chunk.length; return; }
    const buf = this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk]);
    let at = 0;
    if (this.state === 'header') {
      at = this.parseHeader(buf);
      if (at < 0) { this.keep(buf, 0); return; }
    }
    if (this.state === 'pcap') at = this.parsePcapRecords(buf, at);
    else if (this.state === 'pcapng') at = this.parsePcapngBlocks(buf, at);
    this.keep(buf, at);
  }

  /** Call at end of input: leftover bytes mean a truncated last record. */
  finish(): ContainerStats {
    if (this.state === 'stopped') return this.stats;
    if (this.state === 'header') {
      if (this.carry.length === 0) this.corrupt(this.base, 'empty file: no pcap or pcapng header');
      else this.corrupt(this.base, 'file too short for a pcap or pcapng header');
    } else if (this.carry.length > 0) {
      this.corrupt(this.base, `truncated last record (${this.carry.length} bytes left over)`);
    }
    return this.stats;
  }

  private keep(buf: Buffer, consumed: number): void {
    this.stats.bytes += consumed;
    this.base += consumed;
    // Copy the tail so the big chunk it came from can be freed.
    this.carry = consumed >= buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(consumed));
    if (this.state === 'stopped') { this.stats.bytes += this.carry.length; this.carry = Buffer.alloc(0); }
  }

  /** Throws (throw mode) or records the corruption; skip mode continues only when `resumable`. */
  private corrupt(offset: number, why: string, resumable = false): void {
    if (this.options.onCorrupt === 'throw') {
      throw new OpenNoticeError('IMPORT_INVALID', `${this.options.file}: corrupt capture at byte ${offset}: ${why}`, { file: this.options.file, offset });
    }
    this.stats.skipped++;
    this.stats.corruptAt.push(offset);
    if (!resumable) this.state = 'stopped';
  }

  private u32(buf: Buffer, at: number): number {
    return this.littleEndian ? buf.readUInt32LE(at) : buf.readUInt32BE(at);
  }

  private u16(buf: Buffer, at: number): number {
    return this.littleEndian ? buf.readUInt16LE(at) : buf.readUInt16BE(at);
  }

  /** Sniffs the format by magic number; returns bytes consumed or -1 when more input is needed. */
  private parseHeader(buf: Buffer): number {
    if (buf.length < 4) return -1;
    const magicBE = buf.readUInt32BE(0);
    const magicLE = buf.readUInt32LE(0);
    if (magicBE === PCAPNG_SHB) { this.state = 'pcapng'; this.stats.format = 'pcapng'; return 0; }
    for (const [magic, little] of [[magicLE, true], [magicBE, false]] as const) {
      if (magic !== PCAP_MICRO && magic !== PCAP_NANO) continue;
      if (buf.length < 24) return -1;
      this.littleEndian = little;
      this.pcapNano = magic === PCAP_NANO;
      const snapLength = this.u32(buf, 16);
      // The upper bits of the link-type field carry FCS information, not the type.
      this.pcapLinkType = this.u32(buf, 20) & 0x0fffffff;
      this.pcapCaplenLimit = Math.min(Math.max(snapLength, MAX_PCAP_CAPLEN), MAX_RECORD_BYTES);
      this.state = 'pcap';
      this.stats.format = 'pcap';
      return 24;
    }
    this.corrupt(0, `not a pcap or pcapng file (magic 0x${buf.subarray(0, 4).toString('hex')})`);
    return 0;
  }

  private parsePcapRecords(buf: Buffer, at: number): number {
    const frame = this.frame;
    frame.buffer = buf;
    frame.linkType = this.pcapLinkType;
    const little = this.littleEndian;
    while (at + 16 <= buf.length) {
      const seconds = little ? buf.readUInt32LE(at) : buf.readUInt32BE(at);
      const fraction = little ? buf.readUInt32LE(at + 4) : buf.readUInt32BE(at + 4);
      const captured = little ? buf.readUInt32LE(at + 8) : buf.readUInt32BE(at + 8);
      const length = little ? buf.readUInt32LE(at + 12) : buf.readUInt32BE(at + 12);
      if (captured > this.pcapCaplenLimit) {
        this.corrupt(this.base + at, `record caplen ${captured} exceeds the limit ${this.pcapCaplenLimit}`);
        return at;
      }
      if (at + 16 + captured > buf.length) break;
      frame.offset = at + 16;
      frame.captured = captured;
      frame.length = length;
      frame.timeMicros = seconds * 1_000_000 + (this.pcapNano ? Math.floor(fraction / 1000) : fraction);
      this.stats.packets++;
      this.onFrame(frame);
      at += 16 + captured;
    }
    return at;
  }

  private parsePcapngBlocks(buf: Buffer, at: number): number {
    while (at + 12 <= buf.length) {
      const type = buf.readUInt32BE(at) === PCAPNG_SHB ? PCAPNG_SHB : this.u32(buf, at);
      if (type === PCAPNG_SHB) {
        const order = buf.readUInt32LE(at + 8);
        if (order === PCAPNG_BYTE_ORDER_MAGIC) this.littleEndian = true;
        else if (order === 0x4d3c2b1a) this.littleEndian = false;
        else { this.corrupt(this.base + at, 'section header with a bad byte-order magic'); return at; }
      }
      const total = this.u32(buf, at + 4);
      if (total < 12 || total % 4 !== 0 || total > MAX_RECORD_BYTES) {
        this.corrupt(this.base + at, `block length ${total} is invalid (must be a multiple of 4, 12..${MAX_RECORD_BYTES})`);
        return at;
      }
      if (at + total > buf.length) break;
      if (this.u32(buf, at + total - 4) !== total) {
        this.corrupt(this.base + at, `block trailing length differs from its leading length ${total}`);
        return at;
      }
      const problem = this.handleBlock(buf, at, type, total);
      if (problem !== undefined) {
        this.corrupt(this.base + at, problem, true);
        if (this.state === 'stopped') return at;
      }
      at += total;
    }
    return at;
  }

  /** Interprets one complete, length-checked block; returns a problem description or undefined. */
  private handleBlock(buf: Buffer, at: number, type: number, total: number): string | undefined {
    const bodyEnd = at + total - 4;
    switch (type) {
      case PCAPNG_SHB:
        if (total < 28) return 'section header block too short';
        this.interfaces = [];
        return undefined;
      case 1: { // Interface Description Block
        if (total < 20) return 'interface description block too short';
        const described: PcapngInterface = { linkType: this.u16(buf, at + 8), snapLength: this.u32(buf, at + 12), divisor: 1, multiplier: 1, offsetMicros: 0 };
        this.readInterfaceOptions(buf, at + 16, bodyEnd, described);
        this.interfaces.push(described);
        return undefined;
      }
      case 6: case 2: { // Enhanced Packet Block, obsolete Packet Block
        if (total < 32) return 'packet block too short';
        const interfaceId = type === 6 ? this.u32(buf, at + 8) : this.u16(buf, at + 8);
        const described = this.interfaces[interfaceId];
        if (described === undefined) return `packet block names interface ${interfaceId}, which is not described`;
        const captured = this.u32(buf, at + 20);
        if (captured > total - 32) return `packet block caplen ${captured} exceeds its block`;
        this.emit(buf, at + 28, captured, this.u32(buf, at + 24), described, this.timestamp(this.u32(buf, at + 12), this.u32(buf, at + 16), described));
        return undefined;
      }
      case 3: { // Simple Packet Block: no timestamp, caplen implied by snaplen and block size
        if (total < 16) return 'simple packet block too short';
        const described = this.interfaces[0];
        if (described === undefined) return 'simple packet block before any interface description';
        const length = this.u32(buf, at + 8);
        let captured = Math.min(length, total - 16);
        if (described.snapLength > 0) captured = Math.min(captured, described.snapLength);
        this.emit(buf, at + 12, captured, length, described, 0);
        return undefined;
      }
      default: // name resolution, statistics, decryption secrets, custom, …: not packets
        return undefined;
    }
  }

  private emit(buf: Buffer, offset: number, captured: number, length: number, described: PcapngInterface, timeMicros: number): void {
    const frame = this.frame;
    frame.buffer = buf;
    frame.offset = offset;
    frame.captured = captured;
    frame.length = length;
    frame.linkType = described.linkType;
    frame.timeMicros = timeMicros;
    this.stats.packets++;
    this.onFrame(frame);
  }

  /** Reads if_tsresol (code 9) and if_tsoffset (code 14); other options are skipped. */
  private readInterfaceOptions(buf: Buffer, at: number, end: number, described: PcapngInterface): void {
    for (let guard = 0; at + 4 <= end && guard < 4096; guard++) {
      const code = this.u16(buf, at);
      const length = this.u16(buf, at + 2);
      const value = at + 4;
      if (code === 0 || value + length > end) return;
      if (code === 9 && length >= 1) {
        const resolution = buf[value];
        const exponent = resolution & 0x7f;
        const ticksPerSecond = resolution & 0x80 ? 2 ** exponent : 10 ** exponent;
        // Exact integer arithmetic for the common decimal resolutions (see timestamp()).
        if (ticksPerSecond >= 1_000_000) { described.divisor = ticksPerSecond / 1_000_000; described.multiplier = 1; }
        else { described.divisor = 1; described.multiplier = 1_000_000 / ticksPerSecond; }
      } else if (code === 14 && length >= 8) {
        const high = this.littleEndian ? buf.readInt32LE(value + 4) : buf.readInt32BE(value);
        const low = this.littleEndian ? buf.readUInt32LE(value) : buf.readUInt32BE(value + 4);
        described.offsetMicros = (high * 4294967296 + low) * 1_000_000;
      }
      at = value + Math.ceil(length / 4) * 4;
    }
  }

  /**
   * 64-bit tick count → µs. The tick count can exceed 2^53 (ns since 1970), so split the
   * division: (hi·2^32 + lo)/d = hi·⌊2^32/d⌋ + ⌊(hi·(2^32 mod d) + lo)/d⌋, exact in doubles.
   */
  private timestamp(high: number, low: number, described: PcapngInterface): number {
    const divisor = described.divisor;
    if (divisor === 1) return Math.floor((high * 4294967296 + low) * described.multiplier) + described.offsetMicros;
    if (!Number.isInteger(divisor) || divisor > 4294967296) {
      return Math.floor((high * 4294967296 + low) / divisor) + described.offsetMicros;
    }
    const quotient = Math.floor(4294967296 / divisor);
    const remainder = 4294967296 - quotient * divisor;
    return high * quotient + Math.floor((high * remainder + low) / divisor) + described.offsetMicros;
  }
}

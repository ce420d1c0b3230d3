/**
 * A push parser for pcap and pcapng containers: feed it chunks of the (decompressed) file, it
 * calls back once per frame with the frame's location inside the chunk buffer (no copies).
 * Only the incomplete record at the end of a chunk is carried over, and it is completed with
 * just the bytes it lacks from the next chunk, so chunks are parsed in place (never
 * concatenated) and memory stays bounded by the chunk size plus one record (records above
 * MAX_RECORD_BYTES are corrupt by definition). The caller may reuse a chunk's memory once
 * `push` returns.
 */
import { OpenNoticeError } from '../../core/errors.ts';
import { CarryBuffer } from './carry-buffer.ts';
import { decodeIntoBatch } from './decode-batch.ts';
import type { FrameInfo } from './decode.ts';
import type { BatchTarget, ContainerOptions, ContainerStats, ParserCheckpoint } from './container-types.ts';
import { MAX_PCAP_CAPLEN, PCAP_HEADER_BYTES, readPcapHeader } from './pcap.ts';
import {
  MAX_RECORD_BYTES,
  PCAPNG_BYTE_ORDER_MAGIC,
  PCAPNG_BYTE_ORDER_SWAPPED,
  PCAPNG_SHB,
  pcapngBlockSpan,
  readPcapngBlock,
  type PcapngInterface,
  type PcapngPacket,
} from './pcapng.ts';

export { MAX_RECORD_BYTES } from './pcapng.ts';
export type { BatchTarget, ContainerOptions, ContainerStats, ParserCheckpoint } from './container-types.ts';

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
  private readonly carry = new CarryBuffer();
  /** Bytes pushed so far (the file offset of the next chunk's first byte). */
  private pushed = 0;
  /** File offset of byte 0 of the buffer being parsed (for error offsets). */
  private base = 0;
  private state: ParseState = 'header';
  private littleEndian = true;
  private pcapNano = false;
  private pcapLinkType = 0;
  private pcapCaplenLimit = MAX_PCAP_CAPLEN;
  private interfaces: PcapngInterface[] = [];
  private readonly frame: FrameInfo = { buffer: Buffer.alloc(0), offset: 0, captured: 0, length: 0, linkType: 0, timeMicros: 0 };
  private readonly pcapngPacket: PcapngPacket = { described: undefined, offset: 0, captured: 0, length: 0, timeMicros: 0 };

  private readonly target: BatchTarget | undefined;
  private viewed: Buffer | undefined;
  private view: DataView = new DataView(new ArrayBuffer(0)) as DataView;

  constructor(options: ContainerOptions, onFrame: (frame: FrameInfo) => void, target?: BatchTarget) {
    this.options = options;
    this.onFrame = onFrame;
    this.target = target;
  }

  /**
   * A parser that continues where `checkpoint` was taken: its first chunk starts at
   * `checkpoint.offset` of the same file, and its stats and error offsets continue too.
   * @example const parser = ContainerParser.resume(checkpoint, options, onFrame);
   */
  static resume(checkpoint: ParserCheckpoint, options: ContainerOptions, onFrame: (frame: FrameInfo) => void, target?: BatchTarget): ContainerParser {
    const parser = new ContainerParser(options, onFrame, target);
    parser.state = checkpoint.state;
    parser.littleEndian = checkpoint.littleEndian;
    parser.pcapNano = checkpoint.pcapNano;
    parser.pcapLinkType = checkpoint.pcapLinkType;
    parser.pcapCaplenLimit = checkpoint.pcapCaplenLimit;
    parser.interfaces = checkpoint.interfaces.map((described) => ({ ...described }));
    parser.pushed = checkpoint.offset;
    Object.assign(parser.stats, checkpoint.stats, { corruptAt: [...checkpoint.stats.corruptAt] });
    return parser;
  }

  /** Where another parser could take over now; undefined before the file header or after a fatal corruption. */
  checkpoint(): ParserCheckpoint | undefined {
    if (this.state !== 'pcap' && this.state !== 'pcapng') return undefined;
    return {
      offset: this.pushed - this.carry.length,
      pushed: this.pushed,
      state: this.state,
      littleEndian: this.littleEndian,
      pcapNano: this.pcapNano,
      pcapLinkType: this.pcapLinkType,
      pcapCaplenLimit: this.pcapCaplenLimit,
      interfaces: this.interfaces.map((described) => ({ ...described })),
      stats: { ...this.stats, corruptAt: [...this.stats.corruptAt] },
    };
  }

  /** Bulk mode: hands the rows decoded so far to the target. */
  flushBatch(): void {
    const target = this.target;
    if (target === undefined) return;
    const batch = target.batch;
    if (batch.count === 0) return;
    target.deliver(batch);
    batch.count = 0;
  }

  /** Parses every complete record in `chunk` (plus what was carried over). */
  push(chunk: Buffer): void {
    const chunkStart = this.pushed;
    this.pushed += chunk.length;
    if (this.state === 'stopped') {
      this.settle();
      return;
    }
    let buf = chunk;
    let bufStart = chunkStart;
    let at = 0;
    if (this.state === 'header') {
      // Only the first chunk(s): the file header may itself straddle chunks.
      if (this.carry.length > 0) {
        bufStart -= this.carry.length;
        buf = Buffer.concat([this.carry.view(), chunk]);
        this.carry.clear();
      }
      this.base = bufStart;
      at = this.parseHeader(buf);
      if (at < 0) {
        this.carry.append(buf, 0, buf.length);
        this.settle();
        return;
      }
    } else if (this.carry.length > 0) {
      at = this.completeCarried(chunk, chunkStart);
      if (this.carry.length > 0) {
        this.settle();
        return;
      }
    }
    this.base = bufStart;
    at = this.parseRecords(buf, at);
    // parseRecords may have stopped on corruption (skip mode): then nothing is carried.
    if (!this.stopped) this.carry.append(buf, at, buf.length - at);
    this.settle();
  }

  /** Call at end of input: leftover bytes mean a truncated last record. */
  finish(): ContainerStats {
    if (this.state === 'stopped') return this.stats;
    const carryStart = this.pushed - this.carry.length;
    if (this.state === 'header') {
      if (this.carry.length === 0) this.corrupt(carryStart, 'empty file: no pcap or pcapng header');
      else this.corrupt(carryStart, 'file too short for a pcap or pcapng header');
    } else if (this.carry.length > 0) {
      this.corrupt(carryStart, `truncated last record (${this.carry.length} bytes left over)`);
    }
    return this.stats;
  }

  private get stopped(): boolean {
    return this.state === 'stopped';
  }

  /** Bytes consumed: everything but the carried tail, or everything once parsing stopped. */
  private settle(): void {
    if (this.state === 'stopped') this.carry.clear();
    this.stats.bytes = this.pushed - this.carry.length;
  }

  /**
   * Appends to the carried partial record only the bytes of `chunk` it lacks, parses it, and
   * returns how many bytes of `chunk` were used. Leaves the carry empty unless the chunk ran out.
   */
  private completeCarried(chunk: Buffer, chunkStart: number): number {
    let used = 0;
    // Two rounds suffice (header bytes, then the body the header announces); the bound only
    // guards against a miscount, after which the whole chunk is simply carried.
    for (let round = 0; round < 4 && this.carry.length > 0 && this.state !== 'stopped'; round++) {
      const span = this.firstRecordSpan(this.carry.view());
      if (this.carry.length < span) {
        const take = Math.min(span - this.carry.length, chunk.length - used);
        this.carry.append(chunk, used, take);
        used += take;
        if (this.carry.length < span) return used;
      }
      this.base = chunkStart + used - this.carry.length;
      this.carry.consume(this.parseRecords(this.carry.view(), 0));
    }
    if (this.state === 'stopped') return chunk.length;
    if (this.carry.length > 0) {
      this.carry.append(chunk, used, chunk.length - used);
      return chunk.length;
    }
    return used;
  }

  /**
   * Bytes the first record in `buf` needs to be parsed: its header size until the header is
   * complete, then its full length. A length field the parser will reject counts as complete,
   * so the parser gets to report it.
   */
  private firstRecordSpan(buf: Buffer): number {
    if (this.state === 'pcap') {
      if (buf.length < 16) return 16;
      const captured = this.littleEndian ? buf.readUInt32LE(8) : buf.readUInt32BE(8);
      return captured > this.pcapCaplenLimit ? 16 : 16 + captured;
    }
    return pcapngBlockSpan(buf, this.littleEndian);
  }

  private parseRecords(buf: Buffer, at: number): number {
    if (this.state === 'pcap') return this.parsePcapRecords(buf, at);
    if (this.state === 'pcapng') return this.parsePcapngBlocks(buf, at);
    return at;
  }

  /** Throws (throw mode) or records the corruption; skip mode continues only when `resumable`. */
  private corrupt(offset: number, why: string, resumable = false): void {
    if (this.options.onCorrupt === 'throw') {
      throw new OpenNoticeError('IMPORT_INVALID', `corrupt capture at byte ${offset}: ${why}`, { file: this.options.file, offset });
    }
    this.stats.skipped++;
    this.stats.corruptAt.push(offset);
    if (!resumable) this.state = 'stopped';
  }

  /** A DataView of `buf`, made once per buffer (field reads through it are single loads). */
  private viewOf(buf: Buffer): DataView {
    if (this.viewed !== buf) {
      this.viewed = buf;
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.length);
    }
    return this.view;
  }

  private u32(buf: Buffer, at: number): number {
    return this.viewOf(buf).getUint32(at, this.littleEndian);
  }

  /** Sniffs the format by magic number; returns bytes consumed or -1 when more input is needed. */
  private parseHeader(buf: Buffer): number {
    if (buf.length < 4) return -1;
    if (buf.readUInt32BE(0) === PCAPNG_SHB) {
      this.state = 'pcapng';
      this.stats.format = 'pcapng';
      return 0;
    }
    const header = readPcapHeader(buf);
    if (header === 'more') return -1;
    if (header === 'not-pcap') {
      this.corrupt(0, `not a pcap or pcapng file (magic 0x${buf.subarray(0, 4).toString('hex')})`);
      return 0;
    }
    this.littleEndian = header.littleEndian;
    this.pcapNano = header.nanosecond;
    this.pcapLinkType = header.linkType;
    this.pcapCaplenLimit = header.caplenLimit;
    this.state = 'pcap';
    this.stats.format = 'pcap';
    return PCAP_HEADER_BYTES;
  }

  private parsePcapRecords(buf: Buffer, at: number): number {
    const frame = this.frame;
    const linkType = this.pcapLinkType;
    const little = this.littleEndian;
    const nano = this.pcapNano;
    const limit = this.pcapCaplenLimit;
    const stats = this.stats;
    let batch = this.target?.batch;
    // One load per header field (see decode-batch.ts); a DataView per chunk is cheap.
    const view = this.viewOf(buf);
    const end = buf.length;
    while (at + 16 <= end) {
      const captured = view.getUint32(at + 8, little);
      if (captured > limit) {
        this.corrupt(this.base + at, `record caplen ${captured} exceeds the limit ${limit}`);
        return at;
      }
      const next = at + 16 + captured;
      if (next > end) break;
      const fraction = view.getUint32(at + 4, little);
      const timeMicros = view.getUint32(at, little) * 1_000_000 + (nano ? Math.floor(fraction / 1000) : fraction);
      stats.packets++;
      if (batch !== undefined) batch.timeMicros[batch.count] = timeMicros;
      if (batch !== undefined && decodeIntoBatch(buf, view, at + 16, captured, linkType, batch)) {
        if (batch.count === batch.capacity) {
          this.flushBatch();
          batch = this.target!.batch;
        }
      } else {
        if (batch !== undefined && this.target!.declinedInline !== true) {
          this.flushBatch();
          batch = this.target!.batch;
        }
        frame.buffer = buf;
        frame.linkType = linkType;
        frame.offset = at + 16;
        frame.captured = captured;
        frame.length = view.getUint32(at + 12, little);
        frame.timeMicros = timeMicros;
        this.onFrame(frame);
        // The callback may have delivered the batch (a target that records declined frames).
        batch = this.target?.batch;
      }
      at = next;
    }
    return at;
  }

  private parsePcapngBlocks(buf: Buffer, at: number): number {
    while (at + 12 <= buf.length) {
      const type = buf.readUInt32BE(at) === PCAPNG_SHB ? PCAPNG_SHB : this.u32(buf, at);
      if (type === PCAPNG_SHB) {
        const order = buf.readUInt32LE(at + 8);
        if (order === PCAPNG_BYTE_ORDER_MAGIC) this.littleEndian = true;
        else if (order === PCAPNG_BYTE_ORDER_SWAPPED) this.littleEndian = false;
        else {
          this.corrupt(this.base + at, 'section header with a bad byte-order magic');
          return at;
        }
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
      const packet = this.pcapngPacket;
      const problem = readPcapngBlock(this.viewOf(buf), at, type, total, this.littleEndian, this.interfaces, packet);
      if (problem !== undefined) {
        this.corrupt(this.base + at, problem, true);
        if (this.state === 'stopped') return at;
      } else if (packet.described !== undefined) {
        this.emit(buf, packet.offset, packet.captured, packet.length, packet.described, packet.timeMicros);
      }
      at += total;
    }
    return at;
  }

  private emit(buf: Buffer, offset: number, captured: number, length: number, described: PcapngInterface, timeMicros: number): void {
    this.stats.packets++;
    const batch = this.target?.batch;
    if (batch !== undefined) batch.timeMicros[batch.count] = timeMicros;
    if (batch !== undefined && decodeIntoBatch(buf, this.viewOf(buf), offset, captured, described.linkType, batch)) {
      if (batch.count === batch.capacity) this.flushBatch();
      return;
    }
    if (this.target?.declinedInline !== true) this.flushBatch();
    const frame = this.frame;
    frame.buffer = buf;
    frame.offset = offset;
    frame.captured = captured;
    frame.length = length;
    frame.linkType = described.linkType;
    frame.timeMicros = timeMicros;
    this.onFrame(frame);
  }
}

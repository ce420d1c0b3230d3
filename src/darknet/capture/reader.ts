/**
 * Streaming capture reader: a file path or a byte stream (e.g. `tcpdump -w -`) in, decoded
 * packets out. Gzip input is detected by its magic number and inflated on the fly. The file is
 * read in 1 MiB chunks (chunks.ts); only two chunks plus one partial record are ever held.
 */
import { captureChunks, type CaptureSource } from './chunks.ts';
import { createPacketBatch, type DecodedPacket, type PacketBatch } from '../packet.ts';
import { ContainerParser, type ContainerStats } from './container.ts';
import { decodeFrame, type DecodeOptions, type FrameInfo } from './decode.ts';

export type { ContainerStats as CaptureStats } from './container.ts';
export type { CaptureSource } from './chunks.ts';

/** Rows per PacketBatch: ~112 KiB, small enough to stay in the CPU cache. */
export const BATCH_ROWS = 4096;

export interface CaptureOptions {
  /** 'throw' (default): corruption raises OpenNoticeError IMPORT_INVALID with the byte offset.
   *  'skip': corrupt records/blocks are counted in stats.skipped/corruptAt and reading goes on where it safely can. */
  onCorrupt?: 'throw' | 'skip';
  /** Fill `src`/`dst` text for IPv4 (default true); false keeps only `srcV4`/`dstV4` (faster). */
  formatAddresses?: boolean;
  /** Name used in error messages when the source is a stream. */
  name?: string;
  /**
   * Called after each chunk's packets were handed out, and awaited: the place to rotate
   * finished aggregation windows during a live capture (back-pressure on the source).
   */
  afterChunk?: () => void | Promise<void>;
  /**
   * Bulk path only (`aggregateCapture`): decode a capture file in a worker thread, overlapping
   * with the aggregation. Default: when the file is large enough to repay starting a thread
   * and the machine has a second core. Streams are always decoded in the calling thread.
   */
  decodeInWorker?: boolean;
}

/**
 * Fast path: calls `onPacket` for every frame and resolves with the stats. No promise per
 * packet, so this is what bulk analysis should use.
 * @example const stats = await scanCapture('dark.pcap.gz', (p) => { if (p.tcpFlags === 2) syns++; });
 */
export async function scanCapture(source: CaptureSource, onPacket: (packet: DecodedPacket) => void, options: CaptureOptions = {}): Promise<ContainerStats> {
  return scanFrames(source, (frame, decode) => onPacket(decodeFrame(frame, decode)), options);
}

/**
 * Lowest level: frame locations without decoding (`frame` is reused between calls and its
 * buffer is only valid during the call).
 * @example await scanFrames('x.pcapng', (frame) => sizes.push(frame.captured));
 */
export async function scanFrames(
  source: CaptureSource,
  onFrame: (frame: FrameInfo, decode: DecodeOptions) => void,
  options: CaptureOptions = {},
): Promise<ContainerStats> {
  const name = options.name ?? (typeof source === 'string' ? source : 'stream');
  const onCorrupt = options.onCorrupt ?? 'throw';
  const decode: DecodeOptions = { formatAddresses: options.formatAddresses ?? true };
  const parser = new ContainerParser({ onCorrupt, file: name }, (frame) => onFrame(frame, decode));
  const afterChunk = options.afterChunk;
  for await (const chunk of captureChunks(source, name, onCorrupt === 'skip' ? parser.stats : undefined)) {
    parser.push(chunk);
    if (afterChunk !== undefined) await afterChunk();
  }
  return parser.finish();
}

/** Where `scanBatches` delivers packets, in capture order. */
export interface BatchSink {
  /** IPv4 packets, decoded and classified, as batch rows; the batch is reused once the call returns. */
  batch(batch: PacketBatch): void;
  /** A frame a batch cannot hold (IPv6, not IP, cut inside the IPv4 header), decoded as by scanCapture. */
  packet(packet: DecodedPacket): void;
}

/**
 * The bulk path: IPv4 packets are decoded and classified into reused row batches (no object
 * per packet), anything else into a `DecodedPacket`. Order is kept: a pending batch is
 * delivered before each single packet, and every batch is delivered before `afterChunk` runs.
 * @example await scanBatches('dark.pcap', { batch: (rows) => count += rows.count, packet: () => count++ });
 */
export async function scanBatches(source: CaptureSource, sink: BatchSink, options: CaptureOptions = {}): Promise<ContainerStats> {
  const name = options.name ?? (typeof source === 'string' ? source : 'stream');
  const onCorrupt = options.onCorrupt ?? 'throw';
  const decode: DecodeOptions = { formatAddresses: options.formatAddresses ?? true };
  const parser = new ContainerParser({ onCorrupt, file: name }, (frame) => sink.packet(decodeFrame(frame, decode)), {
    batch: createPacketBatch(BATCH_ROWS),
    deliver: (batch) => sink.batch(batch),
  });
  const afterChunk = options.afterChunk;
  for await (const chunk of captureChunks(source, name, onCorrupt === 'skip' ? parser.stats : undefined)) {
    // Packets before a corrupt record still count, as they do with scanCapture.
    try {
      parser.push(chunk);
    } finally {
      parser.flushBatch();
    }
    if (afterChunk !== undefined) await afterChunk();
  }
  return parser.finish();
}

/** An async iterable of packets that also exposes the running stats. */
export interface Capture extends AsyncIterable<DecodedPacket> {
  readonly stats: ContainerStats;
}

/**
 * Convenient iteration. Decodes a chunk's packets into a batch, then hands them out; stats are
 * final once iteration ends.
 * @example
 * const capture = openCapture('dark.pcapng', { onCorrupt: 'skip' });
 * for await (const packet of capture) console.log(packet.src, packet.dstPort);
 * console.log(capture.stats.skipped);
 */
export function openCapture(source: CaptureSource, options: CaptureOptions = {}): Capture {
  const name = options.name ?? (typeof source === 'string' ? source : 'stream');
  const onCorrupt = options.onCorrupt ?? 'throw';
  const decode: DecodeOptions = { formatAddresses: options.formatAddresses ?? true };
  let batch: DecodedPacket[] = [];
  const parser = new ContainerParser({ onCorrupt, file: name }, (frame) => {
    batch.push(decodeFrame(frame, decode));
  });
  async function* packets(): AsyncGenerator<DecodedPacket> {
    for await (const chunk of captureChunks(source, name, onCorrupt === 'skip' ? parser.stats : undefined)) {
      parser.push(chunk);
      const ready = batch;
      batch = [];
      for (const packet of ready) yield packet;
    }
    parser.finish();
  }
  return { stats: parser.stats, [Symbol.asyncIterator]: () => packets() };
}

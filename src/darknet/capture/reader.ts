/**
 * Streaming capture reader: a file path or a byte stream (e.g. `tcpdump -w -`) in, decoded
 * packets out. Gzip input is detected by its magic number and inflated on the fly. The file is
 * read in 1 MiB chunks; only one chunk plus one partial record is ever held.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip, constants as zlibConstants } from 'node:zlib';
import { OpenNoticeError } from '../../core/errors.ts';
import type { DecodedPacket } from '../packet.ts';
import { ContainerParser, type ContainerStats } from './container.ts';
import { decodeFrame, type DecodeOptions, type FrameInfo } from './decode.ts';

export type { ContainerStats as CaptureStats } from './container.ts';

const CHUNK_BYTES = 1024 * 1024;

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
}

export type CaptureSource = string | AsyncIterable<Uint8Array>;

/** Raw chunks of the source, inflated when it starts with the gzip magic 1f 8b. */
async function* captureChunks(source: CaptureSource, name: string, stats: ContainerStats | undefined): AsyncGenerator<Buffer> {
  const raw: AsyncIterable<Uint8Array> = typeof source === 'string' ? createReadStream(source, { highWaterMark: CHUNK_BYTES }) : source;
  const iterator = raw[Symbol.asyncIterator]();
  let first: Buffer | undefined;
  try {
    const step = await iterator.next();
    if (step.done) return;
    first = Buffer.from(step.value.buffer, step.value.byteOffset, step.value.byteLength);
  } catch (error) {
    throw new OpenNoticeError('IMPORT_INVALID', `${name}: cannot read capture: ${(error as Error).message}`, { file: name }, { cause: error });
  }
  const rest = { [Symbol.asyncIterator]: () => iterator };
  if (!(first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b)) {
    yield first;
    for await (const chunk of rest) yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    return;
  }
  async function* compressed(): AsyncGenerator<Uint8Array> { yield first!; yield* rest; }
  // SYNC_FLUSH at the end: a cut-off gzip yields what it has; the container parser then reports the cut.
  const gunzip = Readable.from(compressed()).pipe(createGunzip({ chunkSize: CHUNK_BYTES, finishFlush: zlibConstants.Z_SYNC_FLUSH }));
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (error) {
    // Skip mode: the inflated bytes so far were parsed; count the bad stream once and stop.
    if (stats !== undefined) { stats.skipped++; stats.corruptAt.push(stats.bytes); return; }
    throw new OpenNoticeError('IMPORT_INVALID', `${name}: corrupt gzip stream: ${(error as Error).message}`, { file: name }, { cause: error });
  }
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
export async function scanFrames(source: CaptureSource, onFrame: (frame: FrameInfo, decode: DecodeOptions) => void, options: CaptureOptions = {}): Promise<ContainerStats> {
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
  const parser = new ContainerParser({ onCorrupt, file: name }, (frame) => { batch.push(decodeFrame(frame, decode)); });
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

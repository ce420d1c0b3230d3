/**
 * The one bounded line reader: a text file or byte stream, line by line, in bounded memory
 * (one read chunk and at most `maxLineBytes` of one line; a file without line ends is an
 * error or a skipped line, never an out-of-memory crash, which is why this is not
 * node:readline). Optionally gzip, told by the magic bytes 1f 8b rather than the name
 * (RouteViews ships .gz, mirrors often unpack). Errors are IMPORT_INVALID naming the file and
 * the line. Scan results (src/discover), routing data (src/attribution) and Cowrie logs
 * (src/darknet/honeypot) are all read through here.
 */
import { Readable } from 'node:stream';
import { type FileHandle, open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { OpenNoticeError } from './errors.ts';
import { createLineSplitter } from './line-splitter.ts';

/** A path, or bytes already flowing (a pipe, a test's chunks). */
export type LineSource = string | AsyncIterable<Uint8Array>;

export interface ReadLinesOptions {
  /** Longest line accepted, in bytes without its line end. */
  maxLineBytes: number;
  /** Inflate the input when it starts with the gzip magic 1f 8b. Default false: bytes are read as they are. */
  gzip?: boolean;
  /** What errors call the input (their `file`); default the path, or 'stream'. */
  name?: string;
  /**
   * Called with the number of a line longer than the limit; reading goes on with the next line
   * (the long one's bytes are dropped as they arrive). Without it such a line is an error.
   */
  onTooLong?: (lineNumber: number) => void;
  /** Finishes the too-long error's message: "line is longer than N bytes; is this a <expected>?". */
  expected?: string;
  /**
   * Called when the input breaks after some lines (a corrupt or cut gzip stream, a stream source
   * that fails) with why and the number of the line it broke in; reading ends there and the line
   * cut by the break is dropped. Without it that is an error. A file that cannot be read is
   * always an error.
   */
  onBrokenInput?: (reason: string, lineNumber: number) => void;
}

export interface NumberedLine {
  /** 1-based line number, for file:line errors. */
  number: number;
  /** The line without its line end (LF or CRLF); line 1 without a byte-order mark. */
  text: string;
  /** False for a last line the input ended in without a line end (a file still being written). */
  terminated: boolean;
}

const chunkBytes = 256 * 1024;
const smallestChunkBytes = 16 * 1024;

/**
 * Call `onLine(text, lineNumber)` for every line, a last line without a line end included.
 * Lines are handed to a callback rather than yielded because per-line promises would double
 * the load time of a 700,000-line routing table.
 * @example await forEachLine('pfx2as.gz', (text, line) => { if (text.startsWith('1.')) console.log(line, text) }, { maxLineBytes: 65_536, gzip: true })
 */
export async function forEachLine(
  source: LineSource,
  onLine: (text: string, lineNumber: number, terminated: boolean) => void,
  options: ReadLinesOptions,
): Promise<void> {
  for await (const _ of readChunkwise(source, onLine, options));
}

/**
 * The lines as an async iterable, for callers that stop early (the file is closed when they do).
 * @example for await (const line of readLines('scan.csv', { maxLineBytes: 1 << 20 })) console.log(line.number, line.text)
 */
export async function* readLines(source: LineSource, options: ReadLinesOptions): AsyncGenerator<NumberedLine> {
  const batch: NumberedLine[] = [];
  try {
    for await (const _ of readChunkwise(source, (text, number, terminated) => batch.push({ number, text, terminated }), options)) {
      yield* batch;
      batch.length = 0;
    }
  } catch (error) {
    // The lines of the failing chunk that came before the failure are still the caller's.
    yield* batch;
    throw error;
  }
}

/** A failure of the bytes themselves, as opposed to an error thrown by the line callback. */
class InputFailure extends Error {
  /** A file that cannot be read is the machine's problem, not a broken input to skip. */
  readonly unreadableFile: boolean;
  constructor(reason: string, unreadableFile: boolean, cause: unknown) {
    super(reason, { cause });
    this.unreadableFile = unreadableFile;
  }
}

/** Feeds every chunk through the splitter (lines go to `onLine` as they complete) and yields after each. */
async function* readChunkwise(
  source: LineSource,
  onLine: (text: string, lineNumber: number, terminated: boolean) => void,
  options: ReadLinesOptions,
): AsyncGenerator<void> {
  const name = options.name ?? (typeof source === 'string' ? source : 'stream');
  const { maxLineBytes } = options;
  const splitter = createLineSplitter(maxLineBytes, {
    line: onLine,
    tooLong: (line) => {
      if (options.onTooLong) return options.onTooLong(line);
      const hint = options.expected === undefined ? '' : `; is this a ${options.expected}?`;
      throw new OpenNoticeError('IMPORT_INVALID', `line is longer than ${maxLineBytes} bytes${hint}`, { file: name, line });
    },
  });
  const handle = typeof source === 'string' ? await openForReading(source) : undefined;
  const stream = handle?.createReadStream({ highWaterMark: await chunkSizeFor(handle), autoClose: false });
  const raw = failuresMarked(stream ?? (source as AsyncIterable<Uint8Array>), stream !== undefined);
  try {
    for await (const chunk of options.gzip ? gunzipped(raw) : raw) {
      splitter.push(chunk);
      yield;
    }
    splitter.finish();
    yield;
  } catch (error) {
    if (!(error instanceof InputFailure)) throw error;
    const line = splitter.lines + 1;
    if (options.onBrokenInput && !error.unreadableFile) return options.onBrokenInput(error.message, line);
    throw new OpenNoticeError('IMPORT_INVALID', error.message, { file: name, line }, { cause: error.cause });
  } finally {
    stream?.destroy();
    await handle?.close();
  }
}

/**
 * Read chunks no larger than the file (at least 16 KB, in case it grows): each read takes a
 * fresh buffer of the chunk size, and 256 KB for a 600-byte file made reading a million small
 * files (npm run fuzz) a third slower.
 */
async function chunkSizeFor(handle: FileHandle): Promise<number> {
  const size = await handle.stat().then(
    (stats) => stats.size,
    () => chunkBytes,
  );
  return Math.min(chunkBytes, Math.max(smallestChunkBytes, size + 1));
}

async function openForReading(file: string): Promise<FileHandle> {
  try {
    return await open(file, 'r');
  } catch (error) {
    throw new OpenNoticeError('IMPORT_INVALID', `cannot read file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { file });
  }
}

/** The source's chunks, its read errors turned into InputFailure (an OpenNoticeError from a stream keeps its own words). */
async function* failuresMarked(chunks: AsyncIterable<Uint8Array>, isFile: boolean): AsyncGenerator<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  try {
    while (true) {
      let step: IteratorResult<Uint8Array>;
      try {
        step = await iterator.next();
      } catch (error) {
        if (error instanceof OpenNoticeError) throw error;
        if (isFile) throw new InputFailure(`cannot read file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, true, error);
        throw new InputFailure(`cannot read: ${(error as Error).message}`, false, error);
      }
      if (step.done) return;
      yield step.value;
    }
  } finally {
    await iterator.return?.();
  }
}

/** The chunks, inflated when they start with the gzip magic 1f 8b; errors of the inflating are InputFailure. */
async function* gunzipped(chunks: AsyncGenerator<Uint8Array>): AsyncGenerator<Uint8Array> {
  // Collect at least two bytes to see the magic (a stream may hand out single bytes).
  const head: Uint8Array[] = [];
  let headBytes = 0;
  let ended = false;
  while (headBytes < 2) {
    const step = await chunks.next();
    if (step.done) {
      ended = true;
      break;
    }
    head.push(step.value);
    headBytes += step.value.byteLength;
  }
  const start = Buffer.concat(head);
  async function* all(): AsyncGenerator<Uint8Array> {
    if (start.length > 0) yield start;
    if (!ended) yield* chunks;
  }
  if (!(start.length >= 2 && start[0] === 0x1f && start[1] === 0x8b)) {
    yield* all();
    return;
  }
  const compressed = Readable.from(all());
  const gunzip = compressed.pipe(createGunzip());
  // pipe() does not pass errors on: a failing source must end the inflating with its own error.
  compressed.on('error', (error) => gunzip.destroy(error));
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (error) {
    if (error instanceof InputFailure || error instanceof OpenNoticeError) throw error;
    throw new InputFailure(`corrupt gzip stream: ${(error as Error).message}`, false, error);
  } finally {
    gunzip.destroy();
    compressed.destroy();
  }
}

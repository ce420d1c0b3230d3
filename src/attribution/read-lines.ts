/**
 * Streams the lines of a routing-data file, plain or gzip (told by the magic bytes 1f 8b,
 * not the name: RouteViews ships .gz, mirrors often unpack). Lines are handed to a callback
 * rather than yielded, because per-line promises would double the load time of a
 * 700,000-line table. Memory: one read chunk and at most one line.
 */
import { type FileHandle, open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { OpenNoticeError } from '../core/errors.ts';

/** Routing-data lines are short; a longer one means the file is not what the caller thinks. */
export const defaultMaxLineBytes = 64 * 1024;

/**
 * Call `onLine(text, lineNumber)` for every line (without CR/LF, BOM removed). A line longer
 * than `maxLineBytes`, an unreadable file or a broken gzip stream is an IMPORT_INVALID error
 * with the file and line.
 * @example await forEachLine('pfx2as.gz', (text, line) => { if (text.startsWith('1.')) console.log(line, text) })
 */
export async function forEachLine(file: string, onLine: (text: string, lineNumber: number) => void, maxLineBytes = defaultMaxLineBytes): Promise<void> {
  let lineNumber = 0;
  const fail = (message: string, cause?: unknown) =>
    new OpenNoticeError('IMPORT_INVALID', message, { file, line: lineNumber + 1 }, cause === undefined ? undefined : { cause });
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new OpenNoticeError('IMPORT_INVALID', `cannot read file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { file });
  }
  try {
    const magic = Buffer.alloc(2);
    const { bytesRead } = await handle.read(magic, 0, 2, 0);
    const raw = handle.createReadStream({ start: 0, highWaterMark: 256 * 1024, autoClose: false });
    const gzip = bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
    const stream = gzip ? raw.pipe(createGunzip()) : raw;
    raw.on('error', (error) => stream.destroy(error));
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const finishLine = (last: Buffer) => {
      const bytes = pending.length === 0 ? last : Buffer.concat([...pending, last]);
      pending = [];
      pendingBytes = 0;
      lineNumber++;
      let end = bytes.length;
      if (end > 0 && bytes[end - 1] === 13) end--;
      let text = bytes.toString('utf8', 0, end);
      if (lineNumber === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      onLine(text, lineNumber);
    };
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        let start = 0;
        for (let end = chunk.indexOf(10, start); end !== -1; end = chunk.indexOf(10, start)) {
          if (pendingBytes + end - start > maxLineBytes) throw fail(`line is longer than ${maxLineBytes} bytes`);
          finishLine(chunk.subarray(start, end));
          start = end + 1;
        }
        if (start < chunk.length) {
          if (pendingBytes + chunk.length - start > maxLineBytes) throw fail(`line is longer than ${maxLineBytes} bytes`);
          pending.push(chunk.subarray(start));
          pendingBytes += chunk.length - start;
        }
      }
      if (pendingBytes > 0) finishLine(Buffer.alloc(0));
    } catch (error) {
      stream.destroy();
      if (error instanceof OpenNoticeError) throw error;
      throw fail(`cannot read${gzip ? ' gzip' : ''} data: ${(error as Error).message}`, error);
    }
  } finally {
    await handle.close();
  }
}

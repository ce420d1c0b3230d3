import { open } from 'node:fs/promises';
import { OpenNoticeError } from '../core/errors.ts';

export interface NumberedLine {
  /** 1-based line number, for file:line errors. */
  number: number;
  /** The line without its line end (LF or CRLF). */
  text: string;
}

/** A scan result line is short; anything longer is not scan output and must not exhaust memory. */
export const defaultMaxLineBytes = 1024 * 1024;

/**
 * Streams a file line by line in bounded memory: a chunk at a time, and at most
 * `maxLineBytes` held for one line (a file without line ends is an IMPORT_INVALID
 * error, not an out-of-memory crash, which is why this is not node:readline).
 * @example for await (const line of readLines('scan.csv')) console.log(line.number, line.text)
 */
export async function* readLines(file: string, maxLineBytes = defaultMaxLineBytes): AsyncGenerator<NumberedLine> {
  const handle = await openForReading(file);
  const stream = handle.createReadStream({ highWaterMark: 64 * 1024 });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let number = 0;
  const tooLong = () =>
    new OpenNoticeError('IMPORT_INVALID', `line is longer than ${maxLineBytes} bytes; is this a scan result file?`, { file, line: number + 1 });
  const finishLine = (last: Buffer): NumberedLine => {
    const bytes = pending.length === 0 ? last : Buffer.concat([...pending, last]);
    pending = [];
    pendingBytes = 0;
    number++;
    let text = bytes.toString('utf8');
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (number === 1 && text.startsWith('\uFEFF')) text = text.slice(1);
    return { number, text };
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let start = 0;
      for (let end = chunk.indexOf(10, start); end !== -1; end = chunk.indexOf(10, start)) {
        if (pendingBytes + end - start > maxLineBytes) throw tooLong();
        yield finishLine(chunk.subarray(start, end));
        start = end + 1;
      }
      const rest = chunk.subarray(start);
      if (pendingBytes + rest.length > maxLineBytes) throw tooLong();
      if (rest.length > 0) {
        pending.push(rest);
        pendingBytes += rest.length;
      }
    }
    if (pendingBytes > 0) yield finishLine(Buffer.alloc(0));
  } catch (error) {
    if (error instanceof OpenNoticeError) throw error;
    throw new OpenNoticeError('IMPORT_INVALID', `cannot read file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { file, line: number + 1 });
  } finally {
    // Also runs when the consumer stops early; closes the file descriptor.
    stream.destroy();
  }
}

/**
 * When the file was last written, as ISO-8601: the best "seen at" for records that
 * carry no time of their own.
 * @example await fileModifiedAt('scan.csv') // '2025-01-01T10:00:00.000Z'
 */
export async function fileModifiedAt(file: string): Promise<string> {
  const handle = await openForReading(file);
  try {
    return (await handle.stat()).mtime.toISOString();
  } finally {
    await handle.close();
  }
}

async function openForReading(file: string) {
  try {
    return await open(file, 'r');
  } catch (error) {
    throw new OpenNoticeError('IMPORT_INVALID', `cannot read file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { file });
  }
}

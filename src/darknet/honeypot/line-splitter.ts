/**
 * Bytes in, text lines out, with a hard bound on what is held: at most `maxLineBytes` of
 * one unfinished line. A longer line is reported once as too long and its remaining bytes
 * are dropped as they arrive, so a file without line ends cannot exhaust memory.
 */

export interface LineSink {
  /** A complete line, decoded as UTF-8, without its LF or CRLF. */
  line(text: string): void;
  /** A line passed the byte limit; it is reported here once and then discarded. */
  tooLong(): void;
}

export interface LineSplitter {
  push(chunk: Uint8Array): void;
  /** End of input: delivers an unterminated last line. */
  finish(): void;
  /** Bytes of the unfinished line currently held (never more than the limit). */
  readonly bufferedBytes: number;
}

const LF = 10;

/**
 * @example
 * const splitter = createLineSplitter(1 << 20, { line: (text) => lines.push(text), tooLong: () => bad++ });
 * splitter.push(Buffer.from('{"a":1}\n{"b"')); splitter.push(Buffer.from(':2}\n')); splitter.finish();
 * // lines: ['{"a":1}', '{"b":2}']
 */
export function createLineSplitter(maxLineBytes: number, sink: LineSink): LineSplitter {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let discarding = false;
  let firstLine = true;

  const deliver = (last: Buffer): void => {
    const bytes = pending.length === 0 ? last : Buffer.concat([...pending, last]);
    pending = [];
    pendingBytes = 0;
    let text = bytes.toString('utf8');
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (firstLine && text.startsWith('\uFEFF')) text = text.slice(1);
    firstLine = false;
    sink.line(text);
  };

  return {
    push(input: Uint8Array): void {
      const chunk = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
      let start = 0;
      while (start < chunk.length) {
        const end = chunk.indexOf(LF, start);
        if (discarding) {
          if (end === -1) return;
          discarding = false;
          firstLine = false;
          start = end + 1;
          continue;
        }
        const stop = end === -1 ? chunk.length : end;
        if (pendingBytes + (stop - start) > maxLineBytes) {
          pending = [];
          pendingBytes = 0;
          discarding = end === -1;
          firstLine = false;
          start = stop + 1;
          sink.tooLong();
          continue;
        }
        if (end === -1) {
          // A copy: the source may reuse its buffer for the next chunk.
          pending.push(Buffer.from(chunk.subarray(start)));
          pendingBytes += chunk.length - start;
          return;
        }
        deliver(chunk.subarray(start, end));
        start = end + 1;
      }
    },
    finish(): void {
      if (discarding) {
        discarding = false;
        return;
      }
      if (pendingBytes > 0) deliver(Buffer.alloc(0));
    },
    get bufferedBytes(): number {
      return pendingBytes;
    },
  };
}

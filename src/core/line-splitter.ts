/**
 * Bytes in, text lines out, with a hard bound on what is held: at most `maxLineBytes` of
 * one unfinished line. A longer line is reported once as too long and its remaining bytes
 * are dropped as they arrive, so a file without line ends cannot exhaust memory. The engine
 * of every bounded line reader (read-lines.ts); pure, so it can be fed from any byte source.
 */

export interface LineSink {
  /**
   * A line, decoded as UTF-8, without its LF or CRLF (and, on line 1, without a BOM); `number`
   * is 1-based. `terminated` is false only for a last line that ended with the input instead of
   * a line end: in a log still being written, the half of a line the writer has not finished.
   */
  line(text: string, number: number, terminated: boolean): void;
  /** Line `number` passed the byte limit; it is reported here once and then discarded. Throwing here stops the splitting. */
  tooLong(number: number): void;
}

export interface LineSplitter {
  push(chunk: Uint8Array): void;
  /** End of input: delivers an unterminated last line. */
  finish(): void;
  /** Bytes of the unfinished line currently held (never more than the limit). */
  readonly bufferedBytes: number;
  /** Lines delivered or reported too long so far. */
  readonly lines: number;
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
  let lines = 0;

  const deliver = (last: Buffer, terminated = true): void => {
    const bytes = pending.length === 0 ? last : Buffer.concat([...pending, last]);
    pending = [];
    pendingBytes = 0;
    let text = bytes.toString('utf8');
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (lines === 0 && text.startsWith('\uFEFF')) text = text.slice(1);
    sink.line(text, ++lines, terminated);
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
          start = end + 1;
          continue;
        }
        const stop = end === -1 ? chunk.length : end;
        if (pendingBytes + (stop - start) > maxLineBytes) {
          pending = [];
          pendingBytes = 0;
          discarding = end === -1;
          start = stop + 1;
          sink.tooLong(++lines);
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
      if (pendingBytes > 0) deliver(Buffer.alloc(0), false);
    },
    get bufferedBytes(): number {
      return pendingBytes;
    },
    get lines(): number {
      return lines;
    },
  };
}

/**
 * Resolver query logs read from files for `opennotice cnc detect-domains`: the format told
 * from the first line that fits one (or named), every line checked, a bad one an
 * IMPORT_INVALID error naming file and line. A log the resolver is still writing may end in
 * half a line: that last line is skipped and counted, never an error. Queries are handed on
 * one by one, so a day of an ISP's log is never held in memory.
 */
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { OpenNoticeError } from '../core/errors.ts';
import { forEachLine } from '../core/read-lines.ts';
import { parseResolverLogLine, type ResolverLogFormat, type ResolverQuery, resolverLogFormatOf } from './resolver-log.ts';

export interface ResolverLogCounts {
  format: ResolverLogFormat;
  queries: number;
  /** Replies, forwards and other messages. */
  otherLines: number;
  /** 1 when the file ended in half a line (the resolver was still writing it). */
  partialLines: number;
}

/** Whether the file's last byte is a line end (an empty file counts as ended). */
function endsWithNewline(file: string, size: number): boolean {
  if (size === 0) return true;
  const descriptor = openSync(file, 'r');
  try {
    const last = Buffer.alloc(1);
    readSync(descriptor, last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    closeSync(descriptor);
  }
}

/**
 * Read one log; `onQuery` gets every question in file order.
 * @example await readResolverLog('/var/log/dnsmasq.log', undefined, (query) => queries.push(query), Date.now())
 */
export async function readResolverLog(
  file: string,
  format: ResolverLogFormat | undefined,
  onQuery: (query: ResolverQuery) => void,
  nowMs: number,
): Promise<ResolverLogCounts> {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (error) {
    throw new OpenNoticeError('IMPORT_INVALID', `cannot read the resolver log: ${(error as Error).message}`, { file }, { cause: error });
  }
  // The size is taken first: what the resolver appends while this reads is left for the next import.
  const lastLineComplete = endsWithNewline(file, size);
  const counts: ResolverLogCounts = { format: format ?? 'dnsmasq', queries: 0, otherLines: 0, partialLines: 0 };
  let known = format;
  let pending: { text: string; line: number } | undefined;
  const handle = (text: string, line: number) => {
    if (text.trim() === '') return;
    if (known === undefined) {
      known = resolverLogFormatOf(text);
      if (known === undefined) throw new OpenNoticeError('IMPORT_INVALID', 'not a dnsmasq, unbound or BIND query log line (give --format)', { file, line });
      counts.format = known;
    }
    const parsed = parseResolverLogLine(known, text, nowMs);
    if ('problem' in parsed) throw new OpenNoticeError('IMPORT_INVALID', `${known} log: ${parsed.problem}`, { file, line });
    if ('other' in parsed) counts.otherLines++;
    else {
      counts.queries++;
      onQuery(parsed.query);
    }
  };
  await forEachLine(
    size === 0 ? (async function* () {})() : createReadStream(file, { start: 0, end: size - 1 }),
    (text, line) => {
      // One line behind: only at the end is it known whether the last line was whole.
      if (pending) handle(pending.text, pending.line);
      pending = { text, line };
    },
    { maxLineBytes: 16 * 1024, name: file, expected: 'resolver query log' },
  );
  if (pending) {
    if (lastLineComplete) handle(pending.text, pending.line);
    else counts.partialLines = 1;
  }
  return counts;
}

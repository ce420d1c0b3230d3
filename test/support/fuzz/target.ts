/**
 * What a fuzz target is, and how one input's outcome is judged. A target calls one parser the
 * way production does. Two contracts exist:
 * - 'file': the parser reads a file a user gave; it may refuse the input, but only with an
 *   OpenNoticeError of a known code (not INTERNAL) whose context.file is the file, and whose
 *   describe() names the file exactly once ("file:line: message [CODE]").
 * - 'never': a decoder of what the network sent; it reports garbage in its return value and
 *   must not throw at all (unless the target names an error type that is its documented way of
 *   refusing, such as the SSH transport's SshProtocolError).
 * Anything else — TypeError, RangeError, a stack overflow, an uncoded error — is a failure.
 */
import { errorCodes, OpenNoticeError } from '../../../src/core/errors.ts';

/** Where one input runs: its number and, for file targets, the name or temp path to read. */
export interface FuzzPlace {
  index: number;
  /** The name the parser is given (a temp file path when the target writes one). */
  file: string;
}

export interface FuzzTarget {
  name: string;
  /** What it parses, for the listing. */
  about: string;
  contract: 'file' | 'never';
  /** Real inputs to mutate; loaded once per worker. Keep each small (a few KB): mutations near the structure matter, long tails only cost time. */
  seeds(): Buffer[];
  /** Whether the target wants its input written to a temp file at `place.file` first. */
  writesFile?: boolean;
  /** File name suffix for the temp file or label (the parser may sniff by content, never by name). */
  suffix?: string;
  /** The parser inflates gzip: its work is not bounded by the input's size, so its time bound is ten times as long. */
  inflates?: boolean;
  /** An error that is this decoder's documented refusal (contract 'never'); the code reported is its name. */
  refusal?: (error: unknown) => string | undefined;
  run(input: Buffer, place: FuzzPlace): unknown;
}

/** Thrown by a target whose parser broke a promise of its own (e.g. "skip mode never throws"): always a failure. */
export class BrokenPromise extends Error {
  override name = 'BrokenPromise';
}

/**
 * Run a parser in its skip-and-count mode, where nothing may be thrown at all.
 * @example await neverThrows(() => scanCapture(stream, onPacket, { onCorrupt: 'skip' }))
 */
export async function neverThrows(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    throw new BrokenPromise(`the skip-and-count mode threw: ${error instanceof OpenNoticeError ? error.describe() : String(error)}`, { cause: error });
  }
}

/** Longest acceptable printed error (file, place, message, code): the values it quotes must be cut. */
export const maxDescribedLength = 1000;

export type Outcome = { kind: 'accepted' } | { kind: 'rejected'; code: string } | { kind: 'failure'; signature: string; detail: string };

/** Judge what a target's run threw (or `undefined` when it returned). */
export function judge(target: FuzzTarget, place: FuzzPlace, thrown: unknown, threw: boolean): Outcome {
  if (!threw) return { kind: 'accepted' };
  if (target.contract === 'never') {
    const refusal = target.refusal?.(thrown);
    return refusal ? { kind: 'rejected', code: refusal } : failure(thrown, 'a network decoder threw');
  }
  if (!(thrown instanceof OpenNoticeError)) return failure(thrown, 'not an OpenNoticeError');
  if (!(thrown.code in errorCodes) || thrown.code === 'INTERNAL') return failure(thrown, `code ${thrown.code}`);
  if (thrown.context.file !== place.file) return failure(thrown, `context.file is ${JSON.stringify(thrown.context.file)}, not the file read`);
  const described = thrown.describe();
  const mentions = described.split(place.file).length - 1;
  if (mentions !== 1) return failure(thrown, `describe() names the file ${mentions} times`);
  if (thrown.message.trim() === '') return failure(thrown, 'an empty message');
  // One line a person reads: a message that quotes a megabyte of the input is not that.
  if (described.length > maxDescribedLength) return failure(thrown, `describe() is ${described.length} characters long`);
  // Counted apart: refusals that point into the file and those about the file as a whole
  // (empty, unknown format), so a report shows when a parser stops saying where.
  const { line, offset, path } = thrown.context;
  return { kind: 'rejected', code: line !== undefined || offset !== undefined || path !== undefined ? thrown.code : `${thrown.code} (whole file)` };
}

function failure(thrown: unknown, why: string): Outcome {
  const error = thrown instanceof Error ? thrown : new Error(String(thrown));
  // The signature groups failures of one cause: the reason, the error type and the innermost
  // frame in the project (its file and line), or the message's first words when there is none.
  const frame = (error.stack ?? '').split('\n').find((line) => /\/src\//.test(line));
  const place = frame ? /(src\/[^):]+:\d+)/.exec(frame)?.[1] : undefined;
  const where = place ?? error.message.split('\n')[0].replace(/\d+/g, 'N').slice(0, 60);
  const described = thrown instanceof OpenNoticeError ? thrown.describe() : error.message;
  return { kind: 'failure', signature: `${why}: ${error.name} at ${where}`, detail: `${described}\n${error.stack ?? ''}` };
}

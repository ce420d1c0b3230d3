import type { GrabStatus, Target } from '../core/records.ts';

/** Why a connection stopped giving bytes. */
export type ReadEnd = 'io-timeout' | 'closed' | 'byte-cap-exceeded' | 'deadline-exceeded' | 'error';

export type ReadStep = { chunk: Buffer } | { end: ReadEnd; error?: string };

/** Limits the dialer enforces on one connection. Every field has a default (see dialer). */
export interface ConnectionLimits {
  /** Time allowed for the TCP handshake. */
  connectTimeoutMs: number;
  /** Longest wait for the next chunk of bytes (a silent tarpit ends here). */
  ioTimeoutMs: number;
  /** Total lifetime of the connection (a byte-per-second sender ends here). */
  deadlineMs: number;
  /** Most bytes read before the connection is cut (an endless banner ends here). */
  maxBytes: number;
}

/**
 * A TCP connection handed out by the dialer. Reads never throw: they return the next
 * chunk or the reason the stream ended. Once ended, every later read returns that end.
 */
export interface Connection {
  readonly target: Target;
  /** Next chunk of bytes, waiting at most `ioTimeoutMs`. */
  next(): Promise<ReadStep>;
  /**
   * Like next(), but gives up after `waitMs` (shorter than the io timeout) without ending
   * the connection: returns `{ quiet: true }`. For "banner done, is a prompt coming?" waits.
   */
  poll(waitMs: number): Promise<ReadStep | { quiet: true }>;
  /**
   * Reads chunks until `isComplete(allBytesSoFar)` is true or the stream ends.
   * @example const { data } = await conn.readUntil((b) => b.includes('\r\n'))
   */
  readUntil(isComplete: (data: Buffer) => boolean): Promise<{ data: Buffer; end?: ReadEnd; error?: string }>;
  /** Writes bytes; resolves once handed to the kernel. Never throws (a failed write shows as a read end). */
  write(data: Buffer | string): Promise<void>;
  /** Closes at once (RST-free FIN, then destroy). Safe to call twice. */
  close(): void;
  readonly bytesRead: number;
  readonly bytesWritten: number;
}

/**
 * Thrown by `dial` when no connection could be made. The grab runner turns it into an
 * outcome with `status`; grabbers that want to keep partial results catch it.
 */
export class DialFailure extends Error {
  readonly status: GrabStatus;
  readonly target: Target;
  constructor(status: GrabStatus, target: Target, message: string) {
    super(message);
    this.name = 'DialFailure';
    this.status = status;
    this.target = target;
  }
}

/** Map a read end to the grab status that best describes a grab that stopped there. */
export function statusForReadEnd(end: ReadEnd): GrabStatus {
  switch (end) {
    case 'io-timeout':
      return 'io-timeout';
    case 'byte-cap-exceeded':
      return 'byte-cap-exceeded';
    case 'deadline-exceeded':
      return 'deadline-exceeded';
    case 'closed':
      return 'protocol-error';
    case 'error':
      return 'unknown-error';
  }
}

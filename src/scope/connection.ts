import type { GrabStatus, Target } from '../core/records.ts';
import type { TlsDetails } from './tls-details.ts';

/** Why a connection stopped giving bytes. */
export type ReadEnd = 'io-timeout' | 'closed' | 'byte-cap-exceeded' | 'deadline-exceeded' | 'error';

export type ReadStep = { chunk: Buffer } | { end: ReadEnd; error?: string };

/** Limits the dialer enforces on one connection. Every field has a default (see dialer). */
export interface ConnectionLimits {
  /** Time allowed for the TCP handshake; for `dialTls`, for the TCP and TLS handshakes together. */
  connectTimeoutMs: number;
  /** Longest wait for the next chunk of bytes (a silent tarpit ends here). */
  ioTimeoutMs: number;
  /** Total lifetime of the connection (a byte-per-second sender ends here). */
  deadlineMs: number;
  /** Most bytes read before the connection is cut (an endless banner ends here). */
  maxBytes: number;
}

/**
 * A TCP connection (or, from `dialTls`, the decrypted stream of a TLS connection) handed out
 * by the dialer. Reads never throw: they return the next
 * chunk or the reason the stream ended. Once ended, every later read returns that end.
 */
export interface Connection {
  readonly target: Target;
  /** Set on a TLS session (dialTls): what its handshake showed, the certificate among it. */
  readonly tls?: TlsDetails;
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
 * Why a dial failed, finer than its `GrabStatus`, for logs and for callers that must tell
 * "the dialer refused" from "the network said no" (both kinds can share a status).
 */
export type DialFailureCode =
  /** Refused by the dialer before any packet: the address is not an IPv4 or IPv6 literal (host names, IPv4-mapped IPv6). */
  | 'unsupported-address'
  /** Refused by the dialer before any packet: the plan publishes source addresses, none of the target's family. */
  | 'no-source-address'
  /** Refused by the dialer before any packet: outside the scope, excluded or on the blocklist. */
  | 'out-of-scope'
  /** Refused by the dialer before any packet: the port is not 1..65535. */
  | 'invalid-port'
  /** Refused by the dialer before any packet: a UDP request larger than the dialer's request cap. */
  | 'request-too-large'
  /** The survey's abort signal fired while waiting for admission; nothing was sent. */
  | 'interrupted'
  /** The peer answered the TCP SYN with a reset. */
  | 'refused'
  /** No TCP handshake within the connect timeout (or the network said unreachable). */
  | 'connect-timeout'
  /** TCP connected, then no TLS answer within what was left of the connect timeout. */
  | 'tls-timeout'
  /** TCP connected, and the peer answered with bytes that are not TLS. */
  | 'not-tls'
  /** The peer speaks TLS but the handshake failed (an alert, no common version or cipher). */
  | 'tls-handshake-failed'
  /** The peer closed or reset the connection during the TLS handshake. */
  | 'closed-during-handshake'
  /** Any other local or network error (the message names it). */
  | 'socket-error';

/**
 * Thrown by `dial`, `dialTls` and `query` when nothing could be exchanged with the target.
 * The grab runner turns it into an outcome with `status`; grabbers that want to keep
 * partial results catch it. `code` says which of the documented cases it was.
 * @example if (error instanceof DialFailure && error.code === 'out-of-scope') skipped++
 */
export class DialFailure extends Error {
  readonly status: GrabStatus;
  readonly target: Target;
  readonly code: DialFailureCode;
  constructor(status: GrabStatus, target: Target, message: string, code: DialFailureCode = 'socket-error') {
    super(message);
    this.name = 'DialFailure';
    this.status = status;
    this.target = target;
    this.code = code;
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

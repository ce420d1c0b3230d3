import type { GrabResult, GrabStatus, Target } from '../core/records.ts';
import { DialFailure, statusForReadEnd, type Connection, type ConnectionLimits, type ReadEnd } from '../scope/connection.ts';
import type { DatagramExchange } from '../scope/datagram.ts';
import type { QueryOptions } from '../scope/dialer.ts';
import type { TlsConnection, TlsOptions } from '../scope/tls-connection.ts';

/**
 * What a grabber (or credential checker) may use. It never opens sockets itself: every
 * transport goes through the dialer, which enforces scope, exclusions, rates, timeouts and
 * byte caps on each connection and datagram (docs/dialer.md).
 */
export interface GrabContext {
  /** A TCP connection. */
  dial(target: Target, limits?: Partial<ConnectionLimits>): Promise<Connection>;
  /** A TLS connection over TCP: any certificate is accepted and its details kept; SNI only when `servername` is given. */
  dialTls(target: Target, options?: TlsOptions): Promise<TlsConnection>;
  /** One UDP request datagram, and the replies that came from the target's address and port. */
  query(target: Target, request: Uint8Array, options?: QueryOptions): Promise<DatagramExchange>;
  /** HTTP User-Agent (and similar) that identifies the scanner and its transparency page. */
  userAgent: string;
  /** Aborted when the survey is interrupted. */
  signal: AbortSignal;
  /**
   * The name an open-resolver check asks a DNS service to resolve recursively: one the operator
   * controls (the plan's `resolverCheckName`), so the question harms no one and its answer is known.
   * Absent: the DNS grab asks no recursive question.
   */
  resolverCheckName?: string;
}

/** How the framework reaches a service: the dialer opens the socket, never the protocol. */
export type Transport = 'tcp' | 'tls' | 'udp';

/**
 * The context a protocol's own code gets: its `dial` speaks the protocol's transport, so a
 * `tls` protocol (HTTPS, MQTT over TLS) runs the same grabber and checker over a TLS session.
 * @example await https.grab(contextFor(context, 'tls'), target)
 */
export function contextFor(context: GrabContext, transport: Transport): GrabContext {
  if (transport !== 'tls') return context;
  return { ...context, dial: (target, limits) => context.dialTls(target, limits ? { limits } : {}) };
}

/** What one grab produced; a grab that failed keeps what it extracted before it failed. */
export interface GrabOutcome<R extends GrabResult = GrabResult> {
  status: GrabStatus;
  /** Fields extracted so far, kept even when status is not success. */
  result: Partial<R>;
  error?: string;
}

/** Longest error text an observation keeps. */
const maxErrorChars = 512;

/**
 * An outcome's error as an observation keeps it: one printable line of at most 512 characters.
 * Grabs quote what a peer sent (an FTP greeting, an SSH disconnect reason), and a hostile peer
 * sends NUL bytes and terminal escapes: PostgreSQL refuses a NUL in a text column (and with it
 * the whole batch of services being recorded), and a terminal listing errors would obey escapes.
 * @example recordableError('greeting 421: a\u0000b\u001b[31m') // 'greeting 421: a b [31m'
 */
export function recordableError(error: string): string {
  const printable = error.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
  return printable.length > maxErrorChars ? `${printable.slice(0, maxErrorChars - 1)}…` : printable;
}

/**
 * Dial the target, hand the connection to `work`, and always close it afterwards. A
 * dial that fails (refused, timed out, out of scope) becomes an outcome, not an exception.
 * @example return grabOver(ctx, target, async (conn) => ({ status: 'success', result: {} }))
 */
export async function grabOver<R extends GrabResult>(
  ctx: GrabContext,
  target: Target,
  work: (conn: Connection) => Promise<GrabOutcome<R>>,
): Promise<GrabOutcome<R>> {
  const dialed = await dialOrStatus(ctx, target);
  if (!('conn' in dialed)) return { ...dialed, result: {} };
  const { conn } = dialed;
  try {
    return await work(conn);
  } finally {
    conn.close();
  }
}

/**
 * Dial, turning a failed dial (refused, timed out, out of scope) into a status instead
 * of an exception, for code that reports outcomes rather than throwing.
 * @example const dialed = await dialOrStatus(ctx, target); if (!('conn' in dialed)) return { ...dialed, attempts: 0 }
 */
export async function dialOrStatus(ctx: GrabContext, target: Target): Promise<{ conn: Connection } | { status: GrabStatus; error: string }> {
  try {
    return { conn: await ctx.dial(target) };
  } catch (error) {
    if (error instanceof DialFailure) return { status: error.status, error: error.message };
    throw error;
  }
}

/** The outcome of a read that stopped before the protocol's first message was complete. */
export function endedBefore(read: { end?: ReadEnd; error?: string }, what: string): GrabOutcome {
  const end = read.end ?? 'closed';
  return { status: statusForReadEnd(end), result: {}, error: end === 'closed' ? `closed before ${what}` : (read.error ?? `read ended: ${end}`) };
}

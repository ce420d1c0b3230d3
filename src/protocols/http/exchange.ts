import type { GrabStatus, Target } from '../../core/records.ts';
import { DialFailure, statusForReadEnd, type Connection, type ConnectionLimits } from '../../scope/connection.ts';
import type { TlsDetails } from '../../scope/tls-details.ts';
import type { GrabContext } from '../grab.ts';
import { buildGetRequest, isResponseComplete, parseResponseHead, readBody, type ResponseHead } from './codec.ts';

/** Most body bytes read and kept from one response. */
export const maxBodyBytes = 64 * 1024;

export interface HttpRequestSpec {
  target: Target;
  /** Path and query, e.g. "/login.htm?x=1". */
  path: string;
  /** Value of the Host header. */
  host: string;
  /** Extra request headers (Authorization …). */
  headers?: Record<string, string>;
  limits?: Partial<ConnectionLimits>;
}

export interface HttpExchange {
  /** 'success' whenever a response head was parsed, even if the body was cut short. */
  status: GrabStatus;
  error?: string;
  head?: ResponseHead;
  /** Body bytes (de-chunked), at most maxBodyBytes. */
  body: Buffer;
  truncated: boolean;
  /** The TLS session's handshake, when the exchange ran over one (HTTPS). */
  tls?: TlsDetails;
}

/**
 * One GET over one fresh connection (Connection: close), through `ctx.dial` only.
 * Never throws for network trouble: a dial failure or a bad response is a status.
 * @example const response = await httpGet(ctx, { target, path: '/', host: '192.0.2.1' })
 */
export async function httpGet(ctx: GrabContext, spec: HttpRequestSpec): Promise<HttpExchange> {
  let conn: Connection;
  try {
    conn = await ctx.dial(spec.target, spec.limits);
  } catch (error) {
    if (error instanceof DialFailure) return { status: error.status, error: error.message, body: Buffer.alloc(0), truncated: false };
    throw error;
  }
  let read: Awaited<ReturnType<Connection['readUntil']>>;
  try {
    await conn.write(buildGetRequest({ path: spec.path, host: spec.host, userAgent: ctx.userAgent, headers: spec.headers }));
    read = await conn.readUntil((bytes) => isResponseComplete(bytes, maxBodyBytes));
  } finally {
    conn.close();
  }
  const parsed = parseResponseHead(read.data);
  if (parsed.state === 'complete') {
    const body = readBody(parsed.head, read.data.subarray(parsed.bodyStart), maxBodyBytes);
    return { status: 'success', head: parsed.head, body: body.body, truncated: body.truncated, ...(conn.tls ? { tls: conn.tls } : {}) };
  }
  const empty = { body: Buffer.alloc(0), truncated: false };
  if (parsed.state === 'invalid') return { status: 'protocol-error', error: parsed.reason, ...empty };
  if (read.end === 'closed') {
    return { status: 'protocol-error', error: read.data.length === 0 ? 'closed without a response' : 'response cut short', ...empty };
  }
  return { status: read.end ? statusForReadEnd(read.end) : 'protocol-error', error: read.error ?? `no complete response (${read.end ?? 'unknown'})`, ...empty };
}

/**
 * The Host header value for an address and port (port omitted when it is the scheme's default: 80, or 443 for HTTPS).
 * @example hostHeader({ ip: '192.0.2.1', port: 8080 }) // "192.0.2.1:8080"
 */
export function hostHeader(target: Target, scheme: 'http' | 'https' = 'http'): string {
  const host = target.ip.includes(':') ? `[${target.ip}]` : target.ip;
  return target.port === (scheme === 'https' ? 443 : 80) ? host : `${host}:${target.port}`;
}

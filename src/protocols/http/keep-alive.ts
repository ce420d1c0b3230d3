/**
 * GET requests over a kept-alive connection, for a login checker's tries: one connection
 * serves as many tries as the server keeps it open for. A response can be followed by
 * another on the same connection only when its end is known from its head (a length, or
 * no body) and the server did not ask to close; anything else ends the connection after
 * the response, and the next request opens a new one.
 */
import type { GrabStatus, Target } from '../../core/records.ts';
import { DialFailure, statusForReadEnd, type Connection, type ReadEnd } from '../../scope/connection.ts';
import type { GrabContext } from '../grab.ts';
import { bodyFraming, buildGetRequest, isResponseComplete, parseResponseHead, readBody, type ResponseHead } from './codec.ts';
import { maxBodyBytes, type HttpExchange } from './exchange.ts';

/** Requests sent on one connection before it is closed anyway (servers cap it too: lighttpd 100, Apache 100). */
export const maxRequestsPerConnection = 100;

export interface KeepAliveRequest {
  path: string;
  host: string;
  headers?: Record<string, string>;
}

export interface KeepAliveClient {
  /**
   * One GET. When a reused connection closes before a single byte of the answer, the request
   * is sent once more on a new connection (RFC 9112 §9.3.1: the server closed an idle
   * connection and never read it), and connections are no longer reused for this client.
   */
  get(request: KeepAliveRequest): Promise<HttpExchange>;
  close(): void;
}

/** What a client needs besides the context: its connection hook, and how long one answer may take in all. */
export interface KeepAliveOptions {
  onConnected?: () => void;
  /**
   * Longest wait for one whole response, however its bytes trickle in. The connection's io
   * timeout ends only a silence: a device that drips a byte every 200 ms would otherwise hold
   * a try until the connection's deadline (45 s in a survey), and its retry as long again.
   */
  answerWaitMs?: number;
}

interface OpenConnection {
  conn: Connection;
  pending: Buffer;
  requests: number;
}

/**
 * @example const client = createKeepAliveClient(ctx, target, { onConnected: () => pace.connected() }); await client.get({ path: '/', host: '192.0.2.1' })
 */
export function createKeepAliveClient(ctx: GrabContext, target: Target, hooks: KeepAliveOptions = {}): KeepAliveClient {
  let open: OpenConnection | undefined;
  let serverKeepsAlive = true;

  const close = () => {
    open?.conn.close();
    open = undefined;
  };

  const send = async (request: KeepAliveRequest): Promise<{ exchange: HttpExchange; reusedAndSilent: boolean }> => {
    const reused = open !== undefined;
    if (!open) {
      try {
        open = { conn: await ctx.dial(target), pending: Buffer.alloc(0), requests: 0 };
      } catch (error) {
        if (error instanceof DialFailure)
          return { exchange: { status: error.status, error: error.message, body: Buffer.alloc(0), truncated: false }, reusedAndSilent: false };
        throw error;
      }
      hooks.onConnected?.();
    }
    const current = open;
    current.requests++;
    const keepAlive = serverKeepsAlive && current.requests < maxRequestsPerConnection;
    await current.conn.write(buildGetRequest({ path: request.path, host: request.host, userAgent: ctx.userAgent, headers: request.headers, keepAlive }));
    const read = await readResponse(current, hooks.answerWaitMs);
    if (!read.reusable || !keepAlive) close();
    return { exchange: read.exchange, reusedAndSilent: reused && read.silent };
  };

  return {
    async get(request) {
      const first = await send(request);
      if (!first.reusedAndSilent) return first.exchange;
      serverKeepsAlive = false;
      return (await send(request)).exchange;
    },
    close,
  };
}

interface ResponseRead {
  exchange: HttpExchange;
  /** The connection can carry another request. */
  reusable: boolean;
  /** The connection ended before any byte of this response. */
  silent: boolean;
}

/** Read one response from the connection, keeping bytes past it for the next one. */
async function readResponse(open: OpenConnection, answerWaitMs: number | undefined): Promise<ResponseRead> {
  const empty = { body: Buffer.alloc(0), truncated: false };
  const startedAt = performance.now();
  let data = open.pending;
  let received = 0;
  for (let chunks = 0; chunks < 100_000; chunks++) {
    const parsed = parseResponseHead(data);
    if (parsed.state === 'invalid') return { exchange: { status: 'protocol-error', error: parsed.reason, ...empty }, reusable: false, silent: false };
    if (parsed.state === 'complete') {
      const end = knownEnd(parsed.head, parsed.bodyStart);
      if (end !== undefined ? data.length >= end : isResponseComplete(data, maxBodyBytes)) {
        const body = readBody(parsed.head, data.subarray(parsed.bodyStart), maxBodyBytes);
        open.pending = end !== undefined ? data.subarray(end) : Buffer.alloc(0);
        const exchange: HttpExchange = { status: 'success', head: parsed.head, body: body.body, truncated: body.truncated };
        return { exchange, reusable: end !== undefined && keepsAlive(parsed.head), silent: false };
      }
    }
    const remainingMs = answerWaitMs === undefined ? undefined : answerWaitMs - (performance.now() - startedAt);
    const step = remainingMs === undefined ? await open.conn.next() : remainingMs > 0 ? await open.conn.poll(remainingMs) : { quiet: true as const };
    if ('quiet' in step) return ended(data, 'io-timeout', `no complete response within the ${answerWaitMs} ms answer wait`, false);
    if ('end' in step) return ended(data, step.end, step.error, received === 0 && data.length === 0);
    received += step.chunk.length;
    data = data.length === 0 ? step.chunk : Buffer.concat([data, step.chunk]);
  }
  return { exchange: { status: 'protocol-error', error: 'too many chunks for one response', ...empty }, reusable: false, silent: false };
}

/** What a response that stopped early still gives: a head and a body cut short, or a status. */
function ended(data: Buffer, end: ReadEnd, error: string | undefined, silent: boolean): ResponseRead {
  const empty = { body: Buffer.alloc(0), truncated: false };
  const parsed = parseResponseHead(data);
  if (parsed.state === 'complete') {
    const body = readBody(parsed.head, data.subarray(parsed.bodyStart), maxBodyBytes);
    return { exchange: { status: 'success', head: parsed.head, body: body.body, truncated: body.truncated }, reusable: false, silent };
  }
  if (end === 'closed') {
    return {
      exchange: { status: 'protocol-error', error: data.length === 0 ? 'closed without a response' : 'response cut short', ...empty },
      reusable: false,
      silent,
    };
  }
  const status: GrabStatus = statusForReadEnd(end);
  return { exchange: { status, error: error ?? `no complete response (${end})`, ...empty }, reusable: false, silent };
}

/** Where the response ends when its head says so (a length within the body cap, or no body). */
function knownEnd(head: ResponseHead, bodyStart: number): number | undefined {
  const framing = bodyFraming(head);
  if (framing.kind === 'none') return bodyStart;
  if (framing.kind === 'length' && framing.length <= maxBodyBytes) return bodyStart + framing.length;
  return undefined;
}

/** HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 only when it says keep-alive. */
function keepsAlive(head: ResponseHead): boolean {
  const connection = (head.headers.connection ?? '').toLowerCase();
  if (/\bclose\b/.test(connection)) return false;
  return head.version === 'HTTP/1.1' || /\bkeep-alive\b/.test(connection);
}

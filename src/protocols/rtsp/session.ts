/**
 * RTSP requests to one service over as few connections as the server allows. RTSP
 * connections are persistent: several requests go over one, each answered in turn; when the
 * server closes (after a failure, or idle) the next request dials again. The grabber and the
 * credential checker both speak through it, and only through `ctx.dial`.
 */
import type { GrabStatus, Target } from '../../core/records.ts';
import { DialFailure, statusForReadEnd, type Connection } from '../../scope/connection.ts';
import type { GrabContext } from '../grab.ts';
import { formatRtspRequest, parseRtspResponse, partialStatusLine, rtspUrl, type RtspResponse } from './codec.ts';

/** The answer to one request: a response, or why there is none. */
export type RtspAnswer =
  | { kind: 'response'; response: RtspResponse; url: string; reusedConnection: boolean }
  | {
      kind: 'failed';
      status: GrabStatus;
      error: string;
      url: string;
      /** The request went over a connection that had already answered others. */
      reusedConnection: boolean;
      /** The server closed without sending a byte of an answer (a stale connection, or a hang-up). */
      closedSilently: boolean;
      /** A status line that arrived before the answer broke off (endless headers, then silence). */
      statusLine?: string;
    };

export interface RtspSession {
  /**
   * Send one request for `path` on the service and read its response. Dials when no connection
   * is open. Never throws for network trouble.
   */
  request(method: string, path: string, headers?: ReadonlyArray<readonly [string, string]>): Promise<RtspAnswer>;
  /** True while a connection is open that will carry the next request. */
  readonly connected: boolean;
  /** Connections opened so far. */
  readonly connections: number;
  close(): void;
}

/** Chunks read for one response at most: the dialer's byte cap and timeouts end a stream long before. */
const maxChunksPerResponse = 10_000;

export interface RtspSessionOptions {
  /**
   * How long a connection that already answered is watched for the server's hang-up before the
   * next request goes over it; 0 sends at once. Cameras that hang up after a refused login close
   * right behind their answer: a checker that waits a moment does not lose a try to that.
   */
  hangUpCheckMs: number;
  /** Called after each new connection is open (a checker counts its connections and tries per connection). */
  onConnected?: () => void;
  /**
   * Longest wait for one whole answer, however its bytes trickle in. The io timeout ends only a
   * silence: a camera dripping a byte every 200 ms would otherwise hold a login try until the
   * connection's deadline (45 s in a survey). Absent: the connection's own limits alone.
   */
  answerWaitMs?: number;
}

/**
 * @example const session = createRtspSession(ctx, target); const answer = await session.request('OPTIONS', '/')
 */
export function createRtspSession(ctx: GrabContext, target: Target, options: RtspSessionOptions = { hangUpCheckMs: 0 }): RtspSession {
  let conn: Connection | undefined;
  let pending: Buffer = Buffer.alloc(0);
  let answeredOnConnection = 0;
  let connections = 0;
  let cseq = 0;

  const drop = () => {
    conn?.close();
    conn = undefined;
    pending = Buffer.alloc(0);
    answeredOnConnection = 0;
  };

  const request: RtspSession['request'] = async (method, path, headers = []) => {
    const url = rtspUrl(target, path);
    if (conn && answeredOnConnection > 0 && pending.length === 0 && options.hangUpCheckMs > 0) {
      const early = await conn.poll(options.hangUpCheckMs);
      if ('end' in early) drop();
      else if ('chunk' in early) pending = early.chunk;
    }
    if (!conn) {
      try {
        conn = await ctx.dial(target);
        connections++;
        options.onConnected?.();
      } catch (error) {
        if (error instanceof DialFailure)
          return { kind: 'failed', status: error.status, error: error.message, url, reusedConnection: false, closedSilently: false };
        throw error;
      }
    }
    const current = conn;
    const reusedConnection = answeredOnConnection > 0;
    await current.write(formatRtspRequest({ method, url, cseq: ++cseq, userAgent: ctx.userAgent, headers }));
    const sentAt = performance.now();
    for (let chunks = 0; chunks < maxChunksPerResponse; chunks++) {
      const parsed = parseRtspResponse(pending);
      if (parsed.state === 'complete') {
        pending = pending.subarray(parsed.end);
        answeredOnConnection++;
        const response = parsed.message;
        if (!response.reusable || /\bclose\b/i.test(response.headers.connection ?? '')) drop();
        return { kind: 'response', response, url, reusedConnection };
      }
      if (parsed.state === 'invalid') {
        const statusLine = partialStatusLine(pending);
        drop();
        return {
          kind: 'failed',
          status: 'protocol-error',
          error: parsed.reason,
          url,
          reusedConnection,
          closedSilently: false,
          ...(statusLine ? { statusLine } : {}),
        };
      }
      const remainingMs = options.answerWaitMs === undefined ? undefined : options.answerWaitMs - (performance.now() - sentAt);
      const polled = remainingMs === undefined ? await current.next() : remainingMs > 0 ? await current.poll(remainingMs) : { quiet: true as const };
      const step = 'quiet' in polled ? { end: 'io-timeout' as const, error: `no whole answer within the ${options.answerWaitMs} ms answer wait` } : polled;
      if ('chunk' in step) {
        pending = Buffer.concat([pending, step.chunk]);
        continue;
      }
      const silent = pending.length === 0;
      const statusLine = partialStatusLine(pending);
      drop();
      const status = statusForReadEnd(step.end);
      const error = step.end === 'closed' ? (silent ? 'closed without answering' : 'answer cut short') : (step.error ?? `read ended: ${step.end}`);
      return { kind: 'failed', status, error, url, reusedConnection, closedSilently: silent && step.end === 'closed', ...(statusLine ? { statusLine } : {}) };
    }
    drop();
    return { kind: 'failed', status: 'protocol-error', error: 'too many chunks for one answer', url, reusedConnection, closedSilently: false };
  };

  return {
    request,
    get connected() {
      return conn !== undefined;
    },
    get connections() {
      return connections;
    },
    close: drop,
  };
}

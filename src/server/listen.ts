/**
 * The web server's socket: the one place outside the lab that accepts connections. It
 * binds to loopback unless the caller explicitly allows another address (the operator
 * then puts a TLS proxy in front), and bounds what one client can hold: header size,
 * time to send headers, time for the whole request, idle keep-alive.
 */
import { createServer } from 'node:http';
import { OpenNoticeError } from '../core/errors.ts';
import type { App } from './app.ts';

export interface ListenOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** Bind to a non-loopback address. Off by default: the server is meant to sit behind a proxy. */
  allowNonLoopback?: boolean;
  /** Other limits than `serverLimits` (tests shorten the timeouts). */
  limits?: Partial<ServerLimits>;
}

export interface RunningServer {
  /** e.g. "http://127.0.0.1:8080" */
  url: string;
  /** Stop accepting, end idle and active connections, resolve when closed. */
  close(): Promise<void>;
}

export interface ServerLimits {
  maxHeaderSize: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** Requests one keep-alive connection may carry before it is closed. */
  maxRequestsPerSocket: number;
}

export const serverLimits: ServerLimits = {
  maxHeaderSize: 16 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxRequestsPerSocket: 1000,
};

/**
 * How often Node looks for connections past the header and request timeouts. It checks only
 * this often (30 s by default), so a 10 s header timeout used to cut slow clients after 10 to
 * 40 s; a tenth of the header timeout, at most a second, keeps the cut within 10 % of it.
 */
export function timeoutCheckIntervalMs(limits: Pick<ServerLimits, 'headersTimeoutMs'>): number {
  return Math.max(50, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 10)));
}

/**
 * Whether a host name or address is loopback (127.0.0.0/8, ::1, localhost).
 * @example isLoopbackHost('127.0.0.1') // true; isLoopbackHost('0.0.0.0') // false
 */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * The metrics endpoint (src/metrics/endpoint.ts) listens through here too, so this stays the
 * one place outside the lab that accepts connections.
 * @example const server = await listen(app, { port: 8080 }); console.log(server.url); await server.close()
 */
export async function listen(app: Pick<App, 'handle'>, options: ListenOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(host) && !options.allowNonLoopback) {
    throw new OpenNoticeError('SERVER_FAILED', `refusing to listen on ${host}: not a loopback address (allow it explicitly, and put a TLS proxy in front)`, {
      host,
    });
  }
  const limits = { ...serverLimits, ...options.limits };
  const server = createServer(
    {
      maxHeaderSize: limits.maxHeaderSize,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: timeoutCheckIntervalMs(limits),
    },
    (request, response) => {
      app.handle(request, response).catch(() => {
        // app.handle answers every error itself; this only runs if the socket broke mid-write.
        response.destroy();
      });
    },
  );
  server.maxRequestsPerSocket = limits.maxRequestsPerSocket;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(
        new OpenNoticeError('SERVER_FAILED', `cannot listen on ${host}:${options.port}: ${error.message}`, { host, port: options.port }, { cause: error }),
      ),
    );
    server.listen(options.port, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const shownHost = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * The `/metrics` listener of a process: a socket of its own, apart from the web server's, so
 * the public site never answers it. It binds to loopback unless the operator explicitly allows
 * another address (a scraper on another host, on a private network). It answers GET and HEAD
 * of /metrics in the Prometheus text format and nothing else. The socket is the web server's
 * listener (server/listen.ts: its header, time and keep-alive bounds), given a handler of its own.
 */
import type { Registry } from 'prom-client';
import { OpenNoticeError } from '../core/errors.ts';
import type { NodeRequestLike, NodeResponseLike } from '../server/app.ts';
import { isLoopbackHost, listen } from '../server/listen.ts';

export interface MetricsEndpointOptions {
  registry: Registry;
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Bind to a non-loopback address. Off by default: metrics name the programme's internals. */
  allowNonLoopback?: boolean;
  /** Told when a scrape fails (a collector threw): answered 500, the process goes on. */
  onError?: (error: unknown) => void;
}

export interface MetricsEndpoint {
  /** e.g. "http://127.0.0.1:9464/metrics" */
  readonly url: string;
  readonly registry: Registry;
  close(): Promise<void>;
}

const plainText = { 'content-type': 'text/plain; charset=utf-8' };

async function answerScrape(options: MetricsEndpointOptions, request: NodeRequestLike, response: NodeResponseLike): Promise<void> {
  const path = (request.url ?? '/').split('?')[0];
  if (path !== '/metrics') {
    response.writeHead(404, plainText);
    response.end(Buffer.from('not found: metrics are at /metrics\n'));
    return;
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { ...plainText, allow: 'GET, HEAD' });
    response.end(Buffer.from('method not allowed\n'));
    return;
  }
  let text: string;
  try {
    text = await options.registry.metrics();
  } catch (error) {
    options.onError?.(error);
    response.writeHead(500, plainText);
    response.end(Buffer.from('metrics could not be collected\n'));
    return;
  }
  response.writeHead(200, { 'content-type': options.registry.contentType, 'cache-control': 'no-store' });
  response.end(request.method === 'HEAD' ? undefined : Buffer.from(text));
}

/**
 * @example
 * const endpoint = await startMetricsEndpoint({ registry, host: '127.0.0.1', port: 9464 })
 * // curl http://127.0.0.1:9464/metrics
 * await endpoint.close()
 */
export async function startMetricsEndpoint(options: MetricsEndpointOptions): Promise<MetricsEndpoint> {
  const { host } = options;
  if (!isLoopbackHost(host) && !options.allowNonLoopback) {
    throw new OpenNoticeError('USAGE', `refusing to serve metrics on ${host}: not a loopback address (add --metrics-allow-remote to expose them)`, { host });
  }
  const server = await listen(
    { handle: (request, response) => answerScrape(options, request, response) },
    { host, port: options.port, allowNonLoopback: true },
  );
  return { url: `${server.url}/metrics`, registry: options.registry, close: server.close };
}

/**
 * The web application: page modules composed behind one pipeline (pipeline.ts), with two
 * entry points — `request()` in process, for tests (like Hono's app.request or Fastify's
 * inject), and `handle()` for the socket listener (listen.ts). This file imports no socket
 * module: the Node request and response are described by the few members it uses.
 */
import { OpenNoticeError } from '../core/errors.ts';
import { canonicalAddress } from '../scope/canonical-address.ts';
import { createAuth, type Auth, type AuthOptions } from './auth/index.ts';
import { bodyFromBuffer, bodyFromStream } from './body.ts';
import { cookieNames } from './cookies.ts';
import type { ModuleContext, RouteModule } from './module-context.ts';
import { defaultModules } from './modules.ts';
import { createPipeline, type RawResponse } from './pipeline.ts';
import type { Route, ServerDeps } from './route-types.ts';
import { createRouter } from './router.ts';
import { createAssetStore } from './static-assets.ts';

export interface AppOptions {
  deps: ServerDeps;
  auth?: AuthOptions;
  /** Default: defaultModules (modules.ts). */
  modules?: readonly RouteModule[];
  /**
   * The address users reach the site at, e.g. "https://notice.example.jp". With https,
   * cookies are Secure (and __Host- prefixed) and HSTS is sent; its origin becomes the only
   * one accepted on posts. Default: none (Origin must match the Host header).
   */
  publicUrl?: string;
  /**
   * Behind a reverse proxy on loopback: take the client address from the last
   * X-Forwarded-For entry (the proxy's own), not from the socket.
   */
  trustProxy?: boolean;
  /** Default: src/server/assets/. */
  assetDirectory?: string;
  /** Start counting the dashboard's figures now, so the first visitor of a large store does not wait (serve; not tests). */
  warmUp?: boolean;
  /** Errors handlers threw (answered 500 without detail): where to log them. */
  onError?(error: unknown, where: { method: string; path: string }): void;
  /** Told of every answer, for the request metrics (src/metrics/http.ts). */
  onAnswered?(answered: AnsweredRequest): void;
}

/** One answered request as the metrics count it: by route template, never by the path asked for. */
export interface AnsweredRequest {
  /** The route template that answered, or "unmatched" (404s, bad paths, failures before routing). */
  route: string;
  method: string;
  status: number;
  /** From the request reaching the app to its answer being ready (the body not yet sent). */
  seconds: number;
}

export interface InjectRequest {
  method?: string;
  /** Path and query, e.g. "/portal/findings?status=open". */
  url: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Default 127.0.0.1. */
  remoteAddress?: string;
}

export interface InjectResponse {
  status: number;
  /** Lower-case names; Set-Cookie values are in `setCookies`. */
  headers: Record<string, string>;
  setCookies: string[];
  body: Buffer;
  text(): string;
  json(): unknown;
}

/** The members of Node's IncomingMessage the app uses. */
export interface NodeRequestLike extends AsyncIterable<Buffer | string> {
  method?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
  socket: { remoteAddress?: string };
}

/** The members of Node's ServerResponse the app uses. */
export interface NodeResponseLike {
  writeHead(status: number, headers: Record<string, string | string[]>): unknown;
  end(body?: Uint8Array): unknown;
}

export interface App {
  readonly routes: readonly Route[];
  readonly auth: Auth;
  request(input: InjectRequest): Promise<InjectResponse>;
  handle(request: NodeRequestLike, response: NodeResponseLike): Promise<void>;
}

// The canonical text (IPv4-mapped unwrapped, IPv6 as RFC 5952) is the one findings are stored under,
// so an IPv6 visitor's check page finds them whatever form the socket or the proxy wrote.
const unwrapMapped = (address: string) => canonicalAddress(address) ?? address;

function clientAddress(peer: string, forwardedFor: string | undefined, trustProxy: boolean): string {
  const address = unwrapMapped(peer);
  if (!trustProxy || forwardedFor === undefined || !(address.startsWith('127.') || address === '::1')) return address;
  // Only an address counts: any other text would be a name the sender made up, and each made-up
  // name would get its own lock-out and rate-limit budget. Without one, the proxy's address stands.
  return canonicalAddress(forwardedFor.split(',').at(-1)!.trim()) ?? address;
}

function httpsOf(publicUrl: string | undefined): { https: boolean; origin?: string } {
  if (publicUrl === undefined) return { https: false };
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    throw new OpenNoticeError('CONFIG_INVALID', `the public URL "${publicUrl}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new OpenNoticeError('CONFIG_INVALID', `the public URL must be http or https, got "${publicUrl}"`);
  return { https: url.protocol === 'https:', origin: url.origin };
}

/**
 * @example
 * const app = buildApp({ deps: { store, program, now: () => new Date() } })
 * const response = await app.request({ url: '/login' }) // 200, the login page
 */
export function buildApp(options: AppOptions): App {
  const { deps } = options;
  const { https, origin } = httpsOf(options.publicUrl);
  const auth = createAuth({ store: deps.store, now: deps.now, ...options.auth });
  const context: ModuleContext = { auth, https, publicOrigin: origin, cookieNames: cookieNames(https), warmUp: options.warmUp ?? false };
  const routes = (options.modules ?? defaultModules).flatMap((module) => module(deps, context));
  const router = createRouter(routes);
  const dispatch = createPipeline({
    deps,
    auth,
    router,
    https,
    publicOrigin: origin,
    cookieNames: context.cookieNames,
    assets: createAssetStore({ directory: options.assetDirectory }),
    onError: options.onError ?? (() => {}),
  });
  const trustProxy = options.trustProxy ?? false;

  const safeDispatch = async (raw: Parameters<typeof dispatch>[0]): Promise<RawResponse> => {
    const started = performance.now();
    const response = await answerSafely(raw);
    options.onAnswered?.({
      route: response.route ?? 'unmatched',
      method: raw.method.toUpperCase(),
      status: response.status,
      seconds: (performance.now() - started) / 1000,
    });
    return response;
  };

  const answerSafely = async (raw: Parameters<typeof dispatch>[0]): Promise<RawResponse> => {
    try {
      return await dispatch(raw);
    } catch (error) {
      // Failures outside a handler (the store while resolving a session, say) still get an answer.
      options.onError?.(error, { method: raw.method, path: raw.url.split('?')[0]! });
      return {
        status: 500,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
        setCookies: [],
        body: Buffer.from('internal error\n'),
      };
    }
  };

  return {
    routes,
    auth,
    async request(input) {
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(input.headers ?? {})) headers[name.toLowerCase()] = value;
      const body = input.body === undefined ? Buffer.alloc(0) : Buffer.from(input.body);
      if (input.body !== undefined) headers['content-length'] ??= String(body.length);
      headers.host ??= 'opennotice.test';
      const response = await safeDispatch({
        method: input.method ?? 'GET',
        url: input.url,
        headers,
        body: bodyFromBuffer(body),
        remoteAddress: clientAddress(input.remoteAddress ?? '127.0.0.1', headers['x-forwarded-for'], trustProxy),
      });
      return {
        status: response.status,
        headers: { ...response.headers, 'content-length': String(response.body.length) },
        setCookies: response.setCookies,
        body: response.body,
        text: () => response.body.toString('utf8'),
        json: () => JSON.parse(response.body.toString('utf8')) as unknown,
      };
    },
    async handle(request, response) {
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(request.headers)) headers[name] = Array.isArray(value) ? value.join(name === 'cookie' ? '; ' : ', ') : value;
      const answer = await safeDispatch({
        method: request.method ?? 'GET',
        url: request.url ?? '/',
        headers,
        body: bodyFromStream(request),
        remoteAddress: clientAddress(request.socket.remoteAddress ?? '', headers['x-forwarded-for'], trustProxy),
      });
      const out: Record<string, string | string[]> = { ...answer.headers, 'content-length': String(answer.body.length) };
      if (answer.setCookies.length > 0) out['set-cookie'] = answer.setCookies;
      if (answer.close) out.connection = 'close';
      response.writeHead(answer.status, out);
      response.end(answer.body);
    },
  };
}

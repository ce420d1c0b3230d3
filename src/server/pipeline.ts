/**
 * What happens to every request, in order: path decoding, static assets (no session, no
 * cookies), language, the caller (bearer token or session cookie), route match (404/405),
 * access (303 to the login page, 401, or 404 for another role's pages), body size, CSRF,
 * the handler, and finally the security headers and cookies on whatever came out.
 */
import type { ApiTokenStore } from '../store/roles/api-tokens.ts';
import type { Auth } from './auth/index.ts';
import { principalOfToken, tokenMayCall } from './auth/tokens.ts';
import { bodyLimit, createBodyReader, type BodySource } from './body.ts';
import { parseCookies, serializeCookie } from './cookies.ts';
import { csrfRejection } from './csrf-check.ts';
import { sitePath } from './html.ts';
import { negotiateLocale } from './locale.ts';
import { errorResponse, HttpError, isApiRequest, redirect } from './responses.ts';
import type { Principal, Route, ServerDeps, WebRequest, WebResponse } from './route-types.ts';
import type { Router } from './router.ts';
import { securityHeaders } from './security-headers.ts';
import { assetCacheControl, type AssetStore } from './static-assets.ts';

/** A request as both entry points (in-process and socket) hand it to the pipeline. */
export interface RawRequest {
  method: string;
  url: string;
  /** Lower-case names. */
  headers: Record<string, string | undefined>;
  remoteAddress: string;
  body: BodySource;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  setCookies: string[];
  body: Buffer;
  /** Close the connection after answering (a body was left unread). */
  close?: boolean;
  /** The route template that answered ("/portal/findings/:id"), "/assets/:name" for a static asset; absent when none did. */
  route?: string;
}

export interface PipelineConfig {
  deps: ServerDeps<ApiTokenStore>;
  auth: Auth;
  router: Router;
  assets: AssetStore;
  https: boolean;
  /** The public URL's origin: the only Origin accepted on posts when set. */
  publicOrigin?: string;
  cookieNames: { session: string; csrf: string; lang: string };
  onError(error: unknown, where: { method: string; path: string }): void;
}

const yearSeconds = 365 * 86_400;

/**
 * The request target split by hand, not by `new URL(target, base)`: a target such as
 * `//dashboard` is a path with an empty first segment here, while the URL parser would read
 * `dashboard` as a host name and answer for `/`.
 */
function splitTarget(target: string): { pathname: string; search: string } {
  const queryAt = target.indexOf('?');
  return queryAt < 0 ? { pathname: target, search: '' } : { pathname: target.slice(0, queryAt), search: target.slice(queryAt) };
}

function decodePath(pathname: string): string[] | undefined {
  try {
    const segments = pathname
      .slice(1)
      .split('/')
      .map((segment) => decodeURIComponent(segment));
    return segments.some((segment) => segment.includes('\0') || segment.includes('/')) ? undefined : segments;
  } catch {
    return undefined;
  }
}

function plain(status: number, text: string): RawResponse {
  return {
    status,
    headers: { ...securityHeaders({ https: false, private: false }), 'content-type': 'text/plain; charset=utf-8' },
    setCookies: [],
    body: Buffer.from(`${text}\n`),
    close: true,
  };
}

async function serveAsset(config: PipelineConfig, raw: RawRequest, name: string): Promise<RawResponse | undefined> {
  const asset = await config.assets.get(name);
  if (!asset) return undefined;
  const headers = {
    ...securityHeaders({ https: config.https, private: false }),
    'content-type': asset.contentType,
    'cache-control': assetCacheControl,
    etag: asset.etag,
    vary: 'Accept-Encoding',
  };
  if (raw.headers['if-none-match'] === asset.etag) return { status: 304, headers, setCookies: [], body: Buffer.alloc(0) };
  const gzip = asset.gzip !== undefined && /\bgzip\b/.test(raw.headers['accept-encoding'] ?? '');
  return { status: 200, headers: gzip ? { ...headers, 'content-encoding': 'gzip' } : headers, setCookies: [], body: gzip ? asset.gzip! : asset.body };
}

/**
 * @example const dispatch = createPipeline(config); const response = await dispatch(raw)
 */
export function createPipeline(config: PipelineConfig): (raw: RawRequest) => Promise<RawResponse> {
  const { deps, auth, cookieNames: names } = config;
  return async (raw) => {
    const method = raw.method.toUpperCase();
    if (!raw.url.startsWith('/')) return plain(400, 'bad request');
    const target = splitTarget(raw.url);
    const query = new URLSearchParams(target.search);
    const segments = decodePath(target.pathname);
    if (!segments) return plain(400, 'bad request');
    if (segments.length === 2 && segments[0] === 'assets' && (method === 'GET' || method === 'HEAD')) {
      const asset = await serveAsset(config, raw, segments[1]!);
      if (asset) return { ...asset, route: '/assets/:name', ...(method === 'HEAD' ? { body: Buffer.alloc(0) } : {}) };
    }

    const setCookies: string[] = [];
    const cookies = parseCookies(raw.headers.cookie);
    const language = negotiateLocale({ query: query.get('lang'), cookie: cookies.get(names.lang), acceptLanguage: raw.headers['accept-language'] });
    if (language.remember) setCookies.push(serializeCookie(names.lang, language.locale, { maxAge: yearSeconds, secure: config.https }));

    let principal: Principal | undefined;
    let sessionCsrf: string | undefined;
    let badCredentials = false;
    const authorization = raw.headers.authorization;
    if (authorization !== undefined) {
      // A bearer header is an API call: it stands alone, a session cookie beside it is ignored.
      principal = await principalOfToken(deps.store, /^Bearer +(\S+)$/i.exec(authorization)?.[1], deps.now());
      badCredentials = principal === undefined;
    } else if (cookies.has(names.session)) {
      const session = await auth.sessions.resolve(cookies.get(names.session));
      if (session) ({ principal, csrfToken: sessionCsrf } = session);
      else setCookies.push(serializeCookie(names.session, '', { maxAge: 0, httpOnly: true, secure: config.https }));
    }
    const anonymousCookie = cookies.get(names.csrf);
    let anonymousCsrf = auth.csrf.isGenuine(anonymousCookie) ? anonymousCookie : undefined;
    /** A page that put a CSRF token into a form is never stored by a cache, whether or not it also set the cookie. */
    let carriesFormToken = false;
    /** Issued only when a page asks for it, so pages without forms set no cookie. */
    const csrfToken = (): string | undefined => {
      if (principal?.via === 'token') return undefined;
      carriesFormToken = true;
      if (sessionCsrf !== undefined) return sessionCsrf;
      if (anonymousCsrf === undefined) {
        anonymousCsrf = auth.csrf.issue();
        setCookies.push(serializeCookie(names.csrf, anonymousCsrf, { httpOnly: true, secure: config.https }));
      }
      return anonymousCsrf;
    };

    const body = createBodyReader(raw.body, raw.headers['content-type']);
    const path = `/${segments.join('/')}`;
    const makeRequest = (params: Record<string, string>): WebRequest => ({
      method,
      path,
      params,
      query: query,
      headers: raw.headers,
      remoteAddress: raw.remoteAddress,
      locale: language.locale,
      principal,
      get csrfToken() {
        return csrfToken();
      },
      form: body.form,
      json: body.json,
    });

    let request = makeRequest({});
    let route: Route | undefined;
    let response: WebResponse;
    try {
      response = await answer();
    } catch (error) {
      if (!(error instanceof HttpError)) config.onError(error, { method, path });
      response = errorResponse(request, error instanceof HttpError ? error.status : 500);
    }
    return finish(response);

    async function answer(): Promise<WebResponse> {
      if (badCredentials) return errorResponse(request, 401, { 'www-authenticate': 'Bearer' });
      const match = config.router.match(method, segments!);
      if (match.kind === 'not-found') return errorResponse(request, 404);
      if (match.kind === 'method-not-allowed') return errorResponse(request, 405, { allow: match.allow.join(', ') });
      route = match.route;
      if (principal?.via === 'token' && !tokenMayCall(route)) {
        // Tokens reach the API only: a leaked token must not manage tokens (and so outlive its
        // revocation) nor read the pages. A page needing a login does not exist for a token; a
        // public page treats its caller as a visitor without credentials (CSRF checks included).
        if (route.access !== 'public') return errorResponse(request, 404);
        principal = undefined;
      }
      request = makeRequest(match.params);
      const denied = accessDenial(route, request, target.search);
      if (denied) return denied;
      const declared = Number(raw.headers['content-length'] ?? 0);
      if (declared > bodyLimit(raw.headers['content-type'])) throw new HttpError(413, 'request body too large');
      if (route.method === 'POST' && route.csrf !== false && principal?.via !== 'token') {
        const expected = sessionCsrf ?? anonymousCsrf;
        const rejection = await csrfRejection(request, expected, config.publicOrigin);
        if (rejection) return errorResponse(request, 403);
      }
      return route.handle(request);
    }

    function finish(response: WebResponse): RawResponse {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers ?? {})) {
        if (name.toLowerCase() === 'set-cookie') setCookies.push(value);
        else headers[name.toLowerCase()] = value;
      }
      const isPrivate = principal !== undefined || badCredentials || (route !== undefined && route.access !== 'public');
      const merged: Record<string, string> = { ...securityHeaders({ https: config.https, private: false }), vary: 'Accept-Language, Cookie', ...headers };
      // Authenticated answers are never stored by a browser or proxy, whatever the handler said;
      // neither are answers that set a cookie or carry a form's CSRF token.
      if (isPrivate || setCookies.length > 0 || carriesFormToken) merged['cache-control'] = 'no-store';
      const bytes =
        response.body === undefined
          ? Buffer.alloc(0)
          : typeof response.body === 'string'
            ? Buffer.from(response.body)
            : Buffer.from(response.body.buffer, response.body.byteOffset, response.body.byteLength);
      return {
        status: response.status,
        headers: merged,
        setCookies,
        body: method === 'HEAD' ? Buffer.alloc(0) : bytes,
        close: response.status === 413,
        ...(route ? { route: route.path } : {}),
      };
    }
  };
}

/**
 * Access before the handler: a route for a role the caller lacks does not exist for them
 * (404), and a caller without credentials is sent to log in (browsers) or told 401 (programs).
 */
function accessDenial(route: Route, request: WebRequest, search: string): WebResponse | undefined {
  if (route.access === 'public') return undefined;
  if (!request.principal) {
    if (isApiRequest(request)) return errorResponse(request, 401, { 'www-authenticate': 'Bearer' });
    const next = request.method === 'GET' || request.method === 'HEAD' ? `${request.path}${search}` : undefined;
    return redirect(sitePath('/login', { next }));
  }
  return route.access === request.principal.kind ? undefined : errorResponse(request, 404);
}

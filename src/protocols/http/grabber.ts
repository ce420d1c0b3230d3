import { createHash } from 'node:crypto';
import type { Target } from '../../core/records.ts';
import type { TlsDetails } from '../../scope/tls-details.ts';
import type { GrabContext, GrabOutcome } from '../grab.ts';
import { parseAuthChallenges, type ResponseHead } from './codec.ts';
import { hostHeader, httpGet, type HttpExchange } from './exchange.ts';
import { decodeBodyText, declaredCharset, extractTitle, findMetaRefresh, findScriptRedirect, hasPasswordInput } from './html.ts';

/** What an HTTP grab records of the page it ended on (after redirects), and of the login it saw. */
export type HttpResult = {
  url: string;
  status: number;
  statusLine: string;
  headers: Record<string, string>;
  title?: string;
  body: string;
  bodyLength: number;
  bodySha256: string;
  auth?: { scheme: string; realm?: string };
  /** Path (and query) on the grabbed service that answered 401 with the challenge in `auth`. */
  authPath?: string;
  loginForm?: boolean;
  redirects: string[];
  /** HTTPS: what the TLS handshake showed, the certificate among it (identification evidence; never judged). */
  tls?: TlsFacts;
};

/** The TLS session and certificate facts an HTTPS grab keeps, flat, for rules to read. */
export type TlsFacts = {
  version: string;
  subject: string;
  subjectCommonName?: string;
  issuer: string;
  issuerCommonName?: string;
  /** DNS names and addresses the certificate is for. */
  san: string[];
  serialNumber: string;
  validFrom: string;
  validTo: string;
  fingerprintSha256: string;
  selfSigned: boolean;
  /** e.g. "RSA 2048", "EC prime256v1". */
  publicKey: string;
};

/**
 * The flat facts of a TLS handshake, or undefined when the server sent no readable certificate.
 * @example tlsFacts(conn.tls)?.subjectCommonName // 'ipcam.local'
 */
export function tlsFacts(tls: TlsDetails | undefined): TlsFacts | undefined {
  const certificate = tls?.certificate;
  if (!tls || !certificate) return undefined;
  const key = certificate.publicKey;
  return {
    version: tls.version,
    subject: certificate.subject.text,
    ...(certificate.subject.commonName !== undefined ? { subjectCommonName: certificate.subject.commonName } : {}),
    issuer: certificate.issuer.text,
    ...(certificate.issuer.commonName !== undefined ? { issuerCommonName: certificate.issuer.commonName } : {}),
    san: [...certificate.subjectAltNames.dns, ...certificate.subjectAltNames.ip],
    serialNumber: certificate.serialNumber,
    validFrom: certificate.validFrom,
    validTo: certificate.validTo,
    fingerprintSha256: certificate.fingerprintSha256,
    selfSigned: certificate.selfSigned,
    publicKey: [key.algorithm, key.bits ?? key.curve].filter((part) => part !== undefined).join(' '),
  };
}

export interface HttpGrabberOptions {
  /** HTTP redirects (3xx) followed at most. */
  maxRedirects: number;
  /** Client-side (meta refresh / script) redirects followed at most. */
  maxClientRedirects: number;
  /** Pages larger than this are applications, not redirect stubs: their scripts are not followed. */
  maxScriptRedirectPage: number;
  /** `https` for HTTP over TLS: URLs are https://, and only https redirects are followed (the context's connections are TLS). */
  scheme: 'http' | 'https';
}

const defaultOptions: HttpGrabberOptions = { maxRedirects: 3, maxClientRedirects: 1, maxScriptRedirectPage: 16 * 1024, scheme: 'http' };

/**
 * @example const grabber = createHttpGrabber({ maxRedirects: 1 })
 */
export function createHttpGrabber(options: Partial<HttpGrabberOptions> = {}): { grab(ctx: GrabContext, target: Target): Promise<GrabOutcome<HttpResult>> } {
  const settings = { ...defaultOptions, ...options };
  return { grab: (ctx, target) => grabHttp(ctx, target, settings) };
}

async function grabHttp(ctx: GrabContext, origin: Target, options: HttpGrabberOptions): Promise<GrabOutcome<HttpResult>> {
  let url = new URL(`${options.scheme}://${hostHeader(origin, options.scheme)}/`);
  const redirects: string[] = [];
  const visited = new Set([url.href]);
  let page: { url: URL; response: HttpExchange & { head: ResponseHead } } | undefined;
  let auth: Pick<HttpResult, 'auth' | 'authPath'> = {};
  let httpRedirects = 0;
  let clientRedirects = 0;

  for (let hop = 0; hop <= options.maxRedirects + options.maxClientRedirects; hop++) {
    const target = targetOf(url, origin);
    const response = await httpGet(ctx, { target, path: `${url.pathname}${url.search}`, host: url.host });
    if (!response.head) {
      // The first page failing is the grab failing; a later hop failing keeps what we have.
      if (!page) return { status: response.status, result: { url: url.href, redirects }, error: response.error };
      break;
    }
    page = { url, response: { ...response, head: response.head } };
    if (response.head.status === 401 && !auth.auth && target.ip === origin.ip && target.port === origin.port) {
      auth = authFrom(response.head, url);
    }
    const next = nextLocation(response.head, response.body, options, { http: httpRedirects, client: clientRedirects });
    if (!next) break;
    const resolved = resolve(next.location, url);
    if (!resolved || visited.has(resolved.href)) break; // unusable or a loop
    redirects.push(resolved.href);
    visited.add(resolved.href);
    if (next.kind === 'http') httpRedirects++;
    else clientRedirects++;
    // Only the grab's own scheme to an address literal can be dialed; others are recorded, not followed.
    if (resolved.protocol !== `${options.scheme}:` || !targetOf(resolved, origin).ip) break;
    url = resolved;
  }
  if (!page) return { status: 'protocol-error', result: { url: url.href, redirects }, error: 'no response' };
  return { status: 'success', result: describePage(page.url, page.response, auth, redirects) };
}

function describePage(url: URL, response: HttpExchange & { head: ResponseHead }, auth: Pick<HttpResult, 'auth' | 'authPath'>, redirects: string[]): HttpResult {
  const { head, body } = response;
  const text = decodeBodyText(body, declaredCharset(head.headers['content-type'], body), { truncated: response.truncated });
  const title = extractTitle(text);
  return {
    url: url.href,
    status: head.status,
    statusLine: head.statusLine,
    headers: head.headers,
    ...(title !== undefined ? { title } : {}),
    body: text,
    bodyLength: body.length,
    bodySha256: createHash('sha256').update(body).digest('hex'),
    ...auth,
    loginForm: hasPasswordInput(text),
    redirects,
    ...(tlsFacts(response.tls) ? { tls: tlsFacts(response.tls) } : {}),
  };
}

/** The challenge to record: Basic when offered (what the checker tries first), else the first. */
function authFrom(head: ResponseHead, url: URL): Pick<HttpResult, 'auth' | 'authPath'> {
  const challenges = parseAuthChallenges(head.headers['www-authenticate'] ?? '');
  const chosen = challenges.find((challenge) => challenge.scheme === 'basic') ?? challenges[0];
  const path = `${url.pathname}${url.search}`;
  if (!chosen) return { auth: { scheme: 'unknown' }, authPath: path };
  const realm = chosen.params.realm;
  return { auth: realm !== undefined ? { scheme: chosen.scheme, realm } : { scheme: chosen.scheme }, authPath: path };
}

function nextLocation(
  head: ResponseHead,
  body: Buffer,
  options: HttpGrabberOptions,
  used: { http: number; client: number },
): { kind: 'http' | 'client'; location: string } | undefined {
  if ([301, 302, 303, 307, 308].includes(head.status)) {
    const location = head.headers.location?.split(',')[0]?.trim();
    return location && used.http < options.maxRedirects ? { kind: 'http', location } : undefined;
  }
  if (head.status < 200 || head.status >= 300 || used.client >= options.maxClientRedirects) return undefined;
  const html = decodeBodyText(body, declaredCharset(head.headers['content-type'], body));
  const meta = findMetaRefresh(html);
  if (meta) return { kind: 'client', location: meta };
  if (body.length > options.maxScriptRedirectPage || hasPasswordInput(html)) return undefined;
  const script = findScriptRedirect(html);
  return script ? { kind: 'client', location: script } : undefined;
}

function resolve(location: string, base: URL): URL | undefined {
  try {
    const url = new URL(location.trim(), base);
    url.hash = '';
    return url;
  } catch {
    return undefined;
  }
}

/** Address and port a URL points at; ip is '' when the host is a name (never resolved). */
function targetOf(url: URL, origin: Target): Target {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const isAddress = /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return { ip: isAddress ? host : '', port: url.host === '' ? origin.port : port };
}

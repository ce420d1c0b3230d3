/**
 * The gateway's calls to the central server: pull the policy, send a report. Each call is
 * bounded (a timeout, a cap on the answer's size), sends the API token as a Bearer header,
 * and fails with a coded error that says what to fix: AUTH_FAILED for a refused token,
 * GATEWAY_FAILED for an unreachable or failing server, CONFIG_INVALID for a policy that does
 * not check out (malformed, or a bad signature when a public key is configured).
 */
import type { BlockIndicator } from '../blocklist/indicator.ts';
import { verifySignature } from '../blocklist/signing.ts';
import { OpenNoticeError } from '../core/errors.ts';
import type { GatewayReport } from '../store/roles/gateway-reports.ts';
import { type GatewayPolicy, parseGatewayPolicy } from './policy.ts';

export interface PolicyClientOptions {
  /** The server's base URL, e.g. "https://notice.example.jp". */
  serverUrl: string;
  /** An API token (on_…) of an ISP user. */
  token: string;
  /** The networks behind this gateway (canonical CIDRs). */
  networks: readonly string[];
  /** The Ed25519 public key (PEM file) the blocklist must be signed with; unset: not checked. */
  publicKeyFile?: string;
  /** Plain http to a non-loopback server sends the token in the clear: only when asked. */
  allowPlainHttp?: boolean;
  timeoutMs?: number;
}

/** What a report carries; the server adds who sent it and when it arrived. */
export type GatewayReportBody = Pick<GatewayReport, 'gateway' | 'windowStart' | 'windowEnd' | 'policyVersion' | 'blocked' | 'quarantined'>;

export interface PolicyClient {
  pull(): Promise<{ policy: GatewayPolicy; indicators: BlockIndicator[] }>;
  report(body: GatewayReportBody): Promise<void>;
}

export const defaultRequestTimeoutMs = 20_000;
/** A policy holds every approved indicator: generous, but bounded. */
export const maxPolicyBytes = 32 * 1024 * 1024;

function baseUrl(text: string, allowPlainHttp: boolean): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new OpenNoticeError('USAGE', `--server: "${text}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new OpenNoticeError('USAGE', `--server must be https (or http), got "${text}"`);
  const loopback = /^(127\.|\[::1\]$|localhost$)/.test(url.hostname);
  if (url.protocol === 'http:' && !loopback && !allowPlainHttp)
    throw new OpenNoticeError(
      'USAGE',
      `--server ${text} is plain http: the token would cross the network in the clear (use https, or --allow-http on a trusted link)`,
    );
  return url;
}

async function boundedText(response: Response, limit: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > limit) throw new OpenNoticeError('GATEWAY_FAILED', `the server's answer is ${declared} bytes, over ${limit}`);
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.length;
    if (size > limit) throw new OpenNoticeError('GATEWAY_FAILED', `the server's answer is over ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Refuse a policy whose blocklist is unsigned or not signed by the key in publicKeyFile
 * (CONFIG_INVALID): with a key configured, nothing unverified is loaded.
 * @example checkBlocklistSignature(policy, '/etc/opennotice/blocklist-signing.key.pub')
 */
export function checkBlocklistSignature(policy: GatewayPolicy, publicKeyFile: string): void {
  const { signature, indicatorsJson } = policy.blocklist;
  if (!signature) throw new OpenNoticeError('CONFIG_INVALID', 'the blocklist is not signed, but a public key is configured: refusing it', {});
  if (!verifySignature(Buffer.from(indicatorsJson), signature, publicKeyFile))
    throw new OpenNoticeError('CONFIG_INVALID', `the blocklist's signature does not verify with ${publicKeyFile}: refusing it`, { file: publicKeyFile });
}

/**
 * @example const client = createPolicyClient({ serverUrl: 'https://notice.example.jp', token, networks: ['192.0.2.0/24'] }); const { policy } = await client.pull()
 */
export function createPolicyClient(options: PolicyClientOptions): PolicyClient {
  const base = baseUrl(options.serverUrl, options.allowPlainHttp ?? false);
  const timeoutMs = options.timeoutMs ?? defaultRequestTimeoutMs;
  const call = async (path: string, init: { method: 'GET' | 'POST'; body?: string }): Promise<{ status: number; text: string }> => {
    const url = new URL(path, base);
    let response: Response;
    try {
      response = await fetch(url, {
        method: init.method,
        headers: { authorization: `Bearer ${options.token}`, accept: 'application/json', ...(init.body ? { 'content-type': 'application/json' } : {}) },
        body: init.body,
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : (error as Error).message;
      throw new OpenNoticeError('GATEWAY_FAILED', `cannot reach ${url.origin}: ${cause}`, { url: url.href }, { cause: error });
    }
    if (response.status === 401 || response.status === 403)
      throw new OpenNoticeError('AUTH_FAILED', `the server refused the API token (${response.status}): is it an ISP user's live token?`, { url: url.href });
    const text = await boundedText(response, maxPolicyBytes);
    if (response.status >= 400) {
      const reason = /"error":"([^"]{1,300})"/.exec(text)?.[1] ?? text.slice(0, 300);
      throw new OpenNoticeError('GATEWAY_FAILED', `${init.method} ${url.pathname}: ${response.status} ${reason}`, { url: url.href, status: response.status });
    }
    return { status: response.status, text };
  };
  return {
    async pull() {
      const query = new URLSearchParams(options.networks.map((network): [string, string] => ['network', network]));
      const { text } = await call(`/api/v1/gateway/policy?${query}`, { method: 'GET' });
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        throw new OpenNoticeError('CONFIG_INVALID', `the gateway policy is not JSON: ${(error as Error).message}`, {}, { cause: error });
      }
      const pulled = parseGatewayPolicy(parsed);
      if (options.publicKeyFile) checkBlocklistSignature(pulled.policy, options.publicKeyFile);
      return pulled;
    },
    async report(body) {
      await call('/api/v1/gateway/report', { method: 'POST', body: JSON.stringify(body) });
    },
  };
}

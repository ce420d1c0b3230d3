/**
 * RDAP abuse-contact lookup (RFC 9082 query, RFC 9083 answer) for addresses whose network is
 * not in the ISP registry. Uses the global `fetch` only: this module opens no socket itself
 * (the socket-import guard allows that only in scope/ and lab/).
 *
 * Politeness and cost: answers are cached per network (the returned network's CIDR), so one
 * query covers a whole allocation; failures are cached too (negative caching) for the
 * queried address's /24 (IPv4) or /48 (IPv6), the usual smallest allocation, so a failing
 * or rate-limiting server is not asked again about the same neighbourhood until the
 * negative TTL ends. Concurrent lookups in one such neighbourhood share one request.
 */
import { formatIPv4, formatIPv6, parseAddress } from './address.ts';
import { createNetworkCache } from './network-cache.ts';
import { parseRdapNetwork, rdapErrorText, type RdapNetwork } from './rdap-response.ts';

export interface RdapClientOptions {
  /** Base URL, e.g. "https://rdap.apnic.net" or a bootstrap redirector; queries go to {base}/ip/{address}. */
  baseUrl: string;
  /** Per-request limit, headers and body together. Default 5000 ms. */
  timeoutMs?: number;
  /** Networks and failures remembered at most. Default 10,000. */
  cacheSize?: number;
  /** How long an answer is trusted. Default 24 h. */
  ttlMs?: number;
  /** How long a failure is remembered. Default 1 h. */
  negativeTtlMs?: number;
  /** Larger answers are refused. Default 1 MiB. */
  maxResponseBytes?: number;
  userAgent?: string;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Clock for TTLs; defaults to Date.now. */
  now?: () => number;
}

export type RdapLookup = { ok: true; network: RdapNetwork; fromCache: boolean } | { ok: false; reason: string; fromCache: boolean };

export interface RdapClient {
  lookup(address: string): Promise<RdapLookup>;
  /** Requests actually sent, and answers served from the cache (positive and negative). */
  readonly stats: { requests: number; cacheHits: number; negativeCacheHits: number };
}

type CachedOutcome = { ok: true; network: RdapNetwork } | { ok: false; reason: string };

/**
 * @example
 * const rdap = createRdapClient({ baseUrl: 'https://rdap.apnic.net' });
 * const answer = await rdap.lookup('203.0.113.9');
 * if (answer.ok) console.log(answer.network.cidr, answer.network.abuseEmail);
 */
export function createRdapClient(options: RdapClientOptions): RdapClient {
  const timeoutMs = options.timeoutMs ?? 5000;
  const ttlMs = options.ttlMs ?? 24 * 3600_000;
  const negativeTtlMs = options.negativeTtlMs ?? 3600_000;
  const maxResponseBytes = options.maxResponseBytes ?? 1024 * 1024;
  const fetchFunction = options.fetch ?? globalThis.fetch;
  const now = options.now ?? Date.now;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const cache = createNetworkCache<CachedOutcome>({ maxEntries: options.cacheSize ?? 10_000, now });
  const inFlight = new Map<string, Promise<CachedOutcome>>();
  const stats = { requests: 0, cacheHits: 0, negativeCacheHits: 0 };

  const query = async (address: string): Promise<CachedOutcome> => {
    stats.requests++;
    let response: Response;
    try {
      response = await fetchFunction(`${baseUrl}/ip/${address}`, {
        headers: { accept: 'application/rdap+json, application/json;q=0.9', ...(options.userAgent ? { 'user-agent': options.userAgent } : {}) },
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'follow',
      });
      const body = await readCapped(response, maxResponseBytes);
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      if (!response.ok) {
        const detail = rdapErrorText(json);
        return { ok: false, reason: `HTTP ${response.status}${detail ? ` (${detail})` : ''}` };
      }
      if (json === undefined) return { ok: false, reason: 'the answer is not JSON' };
      const network = parseRdapNetwork(json, address);
      return typeof network === 'string' ? { ok: false, reason: network } : { ok: true, network };
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') return { ok: false, reason: `no answer within ${timeoutMs} ms` };
      return { ok: false, reason: describeFetchError(error) };
    }
  };

  return {
    stats,
    async lookup(address) {
      const parsed = parseAddress(address);
      if (!parsed) return { ok: false, reason: `"${address}" is not an IP address`, fromCache: false };
      const neighbourhood = neighbourhoodOf(address, parsed.family);
      for (let attempt = 0; attempt < 2; attempt++) {
        const cached = cache.get(address);
        if (cached) {
          if (cached.ok) stats.cacheHits++;
          else stats.negativeCacheHits++;
          return { ...cached, fromCache: true };
        }
        const pending = inFlight.get(neighbourhood);
        if (!pending) break;
        // Someone is already asking about this neighbourhood: its answer may cover us too.
        await pending.catch(() => undefined);
      }
      const request = query(address);
      inFlight.set(neighbourhood, request);
      try {
        const outcome = await request;
        if (outcome.ok) cache.set(outcome.network.cidr, outcome, ttlMs);
        else cache.set(neighbourhood, outcome, negativeTtlMs);
        return { ...outcome, fromCache: false };
      } finally {
        if (inFlight.get(neighbourhood) === request) inFlight.delete(neighbourhood);
      }
    },
  };
}

/** The /24 or /48 around an address: where a failure is remembered. */
function neighbourhoodOf(address: string, family: 4 | 6): string {
  const parsed = parseAddress(address)!;
  if (family === 4) {
    const first = parsed.first as number;
    return `${formatIPv4(first - (first % 256))}/24`;
  }
  return `${formatIPv6(((parsed.first as bigint) >> 80n) << 80n)}/48`;
}

/** The body as text, refusing more than `maxBytes` (an RDAP answer is a few KiB). */
async function readCapped(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new Error(`the answer is larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `cannot connect (${cause.code})`;
  return (error as Error).message || String(error);
}

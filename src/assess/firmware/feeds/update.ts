/**
 * `opennotice feeds update`: download from the NVD CVE API 2.0 what changed since the
 * last update (or everything, the first time) and the current CISA KEV catalog.
 * NVD rules honoured: ≤ 2000 results per page (startIndex/resultsPerPage), lastMod windows
 * of ≤ 120 days, 5 requests per rolling 30 s without an API key and 50 with one (sent in
 * the `apiKey` header), 503/429/403 retried with backoff. Uses the global fetch.
 */
import { OpenNoticeError } from '../../../core/errors.ts';
import type { FeedImportResult, FeedStore } from './import.ts';
import { parseKevCatalog } from './kev.ts';
import { parseNvdFeed } from './nvd.ts';
import { abortableSleep, createRateLimiter } from './rate-limiter.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { isObject } from './json-fields.ts';
import { upsertVulnerabilities } from './upsert.ts';

export const DEFAULT_NVD_URL = 'https://services.nvd.nist.gov/rest/json/cves/2.0';
export const DEFAULT_KEV_URL = 'https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json';

/** NVD's maximum page size and lastMod window. */
export const NVD_MAX_RESULTS_PER_PAGE = 2000;
export const NVD_MAX_WINDOW_DAYS = 120;
const DAY_MS = 86_400_000;
const RATE_WINDOW_MS = 30_000;
/** Pages per window are bounded by totalResults; this cap only guards a misbehaving server. */
const MAX_PAGES_PER_WINDOW = 10_000;

export interface FeedUpdateOptions {
  nvdUrl?: string;
  kevUrl?: string;
  apiKey?: string;
  /** Start of the NVD lastMod range; default: where the last update stopped (none = full download). */
  since?: string;
  resultsPerPage?: number;
  /** Retries of one request on 503/429/403 or a network error. */
  maxRetries?: number;
  /** First backoff delay; doubled on each retry (a Retry-After header wins). */
  backoffMs?: number;
  skipNvd?: boolean;
  skipKev?: boolean;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
  /** Injected in tests: clock, sleep and fetch. */
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  fetch?: typeof globalThis.fetch;
}

/** The lastMod windows from `start` to `end`, each at most 120 days. */
export function lastModWindows(start: Date, end: Date): Array<{ start: Date; end: Date }> {
  const windows: Array<{ start: Date; end: Date }> = [];
  let from = start.getTime();
  const to = end.getTime();
  // Bounded by the date range: each pass advances at least one millisecond.
  while (from < to && windows.length < 100_000) {
    const until = Math.min(from + NVD_MAX_WINDOW_DAYS * DAY_MS, to);
    windows.push({ start: new Date(from), end: new Date(until) });
    from = until;
  }
  return windows;
}

/** NVD wants ISO-8601 with an explicit offset; "+00:00" avoids any doubt about "Z". */
const nvdDate = (date: Date): string => date.toISOString().replace('Z', '+00:00');

/**
 * Update NVD and KEV data in the store; one report per feed, each also logged.
 * Throws FEED_UNREACHABLE "cannot reach …" when the servers cannot be reached.
 * @example const [nvd, kev] = await updateFeeds(store, { apiKey: process.env.NVD_API_KEY })
 */
export async function updateFeeds(store: FeedStore, options: FeedUpdateOptions = {}): Promise<FeedImportResult[]> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const limiter = createRateLimiter({ limit: options.apiKey ? 50 : 5, windowMs: RATE_WINDOW_MS, now, sleep });
  const client: HttpClient = { limiter, now, sleep, fetch: options.fetch ?? globalThis.fetch, options };
  const reports: FeedImportResult[] = [];
  if (!options.skipNvd) reports.push(await updateNvd(store, client));
  if (!options.skipKev) reports.push(await updateKev(store, client));
  return reports;
}

interface HttpClient {
  limiter: RateLimiter;
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  fetch: typeof globalThis.fetch;
  options: FeedUpdateOptions;
}

async function updateNvd(store: FeedStore, client: HttpClient): Promise<FeedImportResult> {
  const { options } = client;
  const baseUrl = options.nvdUrl ?? DEFAULT_NVD_URL;
  const perPage = Math.min(Math.max(1, options.resultsPerPage ?? NVD_MAX_RESULTS_PER_PAGE), NVD_MAX_RESULTS_PER_PAGE);
  const startedAt = new Date(client.now()).toISOString();
  const end = new Date(client.now());
  const since = options.since ?? (await store.listFeedImports({ format: 'nvd-api', limit: 1 }))[0]?.through;
  if (since !== undefined && Number.isNaN(Date.parse(since))) throw new OpenNoticeError('USAGE', `--since: "${since}" is not an ISO-8601 date`);
  // No previous update: the whole database, without date parameters.
  const windows: Array<{ start: Date; end: Date } | undefined> = since === undefined ? [undefined] : lastModWindows(new Date(since), end);
  const report: FeedImportResult = { file: baseUrl, format: 'nvd', read: 0, inserted: 0, updated: 0, unchanged: 0, skipped: [], notes: [] };
  let through: string | undefined;
  try {
    for (const window of windows) {
      let total = Infinity;
      for (let page = 0, startIndex = 0; startIndex < total && page < MAX_PAGES_PER_WINDOW; page++) {
        const url = new URL(baseUrl);
        url.searchParams.set('resultsPerPage', String(perPage));
        url.searchParams.set('startIndex', String(startIndex));
        if (window) {
          url.searchParams.set('lastModStartDate', nvdDate(window.start));
          url.searchParams.set('lastModEndDate', nvdDate(window.end));
        }
        const body = await getJson(client, url, options.apiKey ? { apiKey: options.apiKey } : {});
        const parsed = parseNvdFeed(body, url.toString());
        const returned = isObject(body) && Array.isArray(body.vulnerabilities) ? body.vulnerabilities.length : 0;
        total = isObject(body) && typeof body.totalResults === 'number' ? body.totalResults : startIndex + returned;
        const counts = await upsertVulnerabilities(store, parsed.records);
        report.read += returned;
        report.inserted += counts.inserted;
        report.updated += counts.updated;
        report.unchanged += counts.unchanged;
        report.skipped.push(...parsed.skipped.map(({ cveId, reason }) => ({ id: cveId, reason })));
        options.onProgress?.(
          `NVD ${window ? `${window.start.toISOString().slice(0, 10)}…${window.end.toISOString().slice(0, 10)} ` : ''}${Math.min(startIndex + returned, total)}/${total}`,
        );
        if (returned === 0) break;
        startIndex += returned;
      }
      through = (window?.end ?? end).toISOString();
    }
  } finally {
    // Log what was done even when a later window failed: the next update resumes there.
    if (through !== undefined) report.through = through;
    await store.recordFeedImport({ ...report, format: 'nvd-api' }, { startedAt, finishedAt: new Date(client.now()).toISOString() });
  }
  return report;
}

async function updateKev(store: FeedStore, client: HttpClient): Promise<FeedImportResult> {
  const url = new URL(client.options.kevUrl ?? DEFAULT_KEV_URL);
  const startedAt = new Date(client.now()).toISOString();
  // CISA's feed is a static file, not the NVD API: no NVD rate limit, but the same retries.
  const body = await getJson(client, url, {}, false);
  const parsed = parseKevCatalog(body, url.toString());
  const counts = await store.upsertKev(parsed.entries);
  const report: FeedImportResult = {
    file: url.toString(),
    format: 'kev',
    read: parsed.entries.length + parsed.skipped.length,
    ...counts,
    skipped: parsed.skipped.map(({ cveId, reason }) => ({ id: cveId, reason })),
    notes: [],
  };
  client.options.onProgress?.(`KEV ${parsed.catalogVersion ?? ''}: ${parsed.entries.length} entries`);
  await store.recordFeedImport({ ...report, format: 'kev-url' }, { startedAt, finishedAt: new Date(client.now()).toISOString() });
  return report;
}

const retryStatuses = new Set([403, 429, 500, 502, 503, 504]);

/** GET a JSON document with rate limiting and retries; every failure names the URL. */
async function getJson(client: HttpClient, url: URL, headers: Record<string, string>, limited = true): Promise<unknown> {
  const { options } = client;
  const maxRetries = options.maxRetries ?? 5;
  const backoffMs = options.backoffMs ?? 6000;
  const shown = `${url.origin}${url.pathname}`;
  for (let attempt = 0; ; attempt++) {
    if (limited) await client.limiter.acquire(options.signal);
    let response: Response;
    try {
      response = await client.fetch(url, { headers: { accept: 'application/json', ...headers }, signal: options.signal });
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (attempt >= Math.min(maxRetries, 2)) {
        const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
        throw new OpenNoticeError(
          'FEED_UNREACHABLE',
          `cannot reach ${shown} (${cause}); without internet access import downloaded files with \`opennotice feeds import\``,
          { url: shown },
          { cause: error },
        );
      }
      // A network failure is usually "offline": retry briefly, then say so.
      await client.sleep(Math.min(backoffMs, 1000) * 2 ** attempt, options.signal);
      continue;
    }
    if (response.ok) {
      const text = await response.text();
      try {
        return JSON.parse(text);
      } catch (error) {
        throw new OpenNoticeError('IMPORT_INVALID', `${shown} returned malformed JSON: ${(error as Error).message}`, { url: shown }, { cause: error });
      }
    }
    await response.body?.cancel();
    if (!retryStatuses.has(response.status) || attempt >= maxRetries) {
      const hint = response.status === 404 && headers.apiKey ? ' (an invalid API key gives 404 at NVD)' : '';
      throw new OpenNoticeError('IMPORT_INVALID', `${shown} answered HTTP ${response.status}${hint} after ${attempt + 1} attempt(s)`, { url: shown });
    }
    const retryAfter = Number(response.headers.get('retry-after'));
    const delay = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : backoffMs * 2 ** attempt;
    options.onProgress?.(`${shown}: HTTP ${response.status}, retrying in ${Math.round(delay / 1000)} s`);
    await client.sleep(delay, options.signal);
  }
}

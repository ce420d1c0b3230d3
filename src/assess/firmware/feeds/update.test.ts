import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OpenNoticeError } from '../../../core/errors.ts';
import { openStore } from '../../../store/open-store.ts';
import { createRateLimiter } from './rate-limiter.ts';
import { lastModWindows, updateFeeds } from './update.ts';

const cve = (n: number) => ({
  cve: {
    id: `CVE-2024-${1000 + n}`,
    lastModified: '2024-06-01T00:00:00.000',
    descriptions: [{ lang: 'en', value: `record ${n}` }],
    configurations: [
      { nodes: [{ operator: 'OR', negate: false, cpeMatch: [{ vulnerable: true, criteria: `cpe:2.3:o:korvan:ipc-${n}_firmware:1.0:*:*:*:*:*:*:*` }] }] },
    ],
  },
});
const kevCatalog = {
  title: 'CISA KEV',
  catalogVersion: '2025.01.01',
  count: 1,
  vulnerabilities: [
    {
      cveID: 'CVE-2024-1001',
      vendorProject: 'Korvan',
      product: 'IPC',
      vulnerabilityName: 'x',
      dateAdded: '2025-01-01',
      knownRansomwareCampaignUse: 'Known',
      notes: 'a ; b',
      cwes: [],
    },
  ],
};

interface FakeNvd {
  url: string;
  kevUrl: string;
  requests: URL[];
  headers: Array<Record<string, string | string[] | undefined>>;
  /** Status codes to answer before serving normally. */
  failures: number[];
  close(): Promise<void>;
}

/** A fake NVD API on 127.0.0.1 serving `total` CVEs page by page. */
async function fakeNvd(total: number): Promise<FakeNvd> {
  const all = Array.from({ length: total }, (_, i) => cve(i));
  const state = { requests: [] as URL[], headers: [] as FakeNvd['headers'], failures: [] as number[] };
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    state.requests.push(url);
    state.headers.push(request.headers);
    const failure = state.failures.shift();
    if (failure) {
      response.writeHead(failure, { 'retry-after': '7' }).end('busy');
      return;
    }
    if (url.pathname === '/kev.json') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(kevCatalog));
      return;
    }
    const start = Number(url.searchParams.get('startIndex') ?? 0);
    const per = Number(url.searchParams.get('resultsPerPage') ?? 2000);
    const page = all.slice(start, start + per);
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(
        JSON.stringify({ resultsPerPage: page.length, startIndex: start, totalResults: all.length, format: 'NVD_CVE', version: '2.0', vulnerabilities: page }),
      );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/rest/json/cves/2.0`,
    kevUrl: `http://127.0.0.1:${port}/kev.json`,
    ...state,
    get failures() {
      return state.failures;
    },
    set failures(value) {
      state.failures = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A clock that only moves when the code under test sleeps. */
function fakeClock(start = Date.parse('2025-01-01T00:00:00Z')) {
  const clock = { time: start, sleeps: [] as number[] };
  return {
    clock,
    now: () => clock.time,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms);
      clock.time += ms;
    },
  };
}

test('rolling-window limiter: the 6th request in 30 s waits for the 1st to age out', async () => {
  const { clock, now, sleep } = fakeClock(0);
  const limiter = createRateLimiter({ limit: 5, windowMs: 30_000, now, sleep });
  for (let i = 0; i < 5; i++) await limiter.acquire();
  assert.deepEqual(clock.sleeps, []);
  clock.time = 10_000;
  await limiter.acquire();
  assert.deepEqual(clock.sleeps, [20_000]);
  assert.equal(clock.time, 30_000);
});

test('lastMod windows are at most 120 days and cover the range exactly', () => {
  const windows = lastModWindows(new Date('2024-01-01T00:00:00Z'), new Date('2024-12-31T00:00:00Z'));
  assert.equal(windows.length, 4);
  assert.equal(windows[0].start.toISOString(), '2024-01-01T00:00:00.000Z');
  assert.equal(windows.at(-1)?.end.toISOString(), '2024-12-31T00:00:00.000Z');
  for (const [i, w] of windows.entries()) {
    assert.ok(w.end.getTime() - w.start.getTime() <= 120 * 86_400_000);
    if (i > 0) assert.equal(w.start.getTime(), windows[i - 1].end.getTime());
  }
});

test('full download pages through the API under the rate limit, then KEV; re-run is incremental', async () => {
  const server = await fakeNvd(13);
  const store = await openStore(':memory:');
  try {
    const { clock, now, sleep } = fakeClock();
    const [nvd, kev] = await updateFeeds(store, { nvdUrl: server.url, kevUrl: server.kevUrl, resultsPerPage: 2, now, sleep });
    assert.deepEqual([nvd.read, nvd.inserted], [13, 13]);
    assert.deepEqual([kev.read, kev.inserted], [1, 1]);
    const nvdRequests = server.requests.filter((url) => url.pathname.endsWith('/2.0'));
    assert.deepEqual(
      nvdRequests.map((url) => url.searchParams.get('startIndex')),
      ['0', '2', '4', '6', '8', '10', '12'],
    );
    assert.ok(
      nvdRequests.every((url) => !url.searchParams.has('lastModStartDate')),
      'first update downloads everything',
    );
    // 7 requests without a key: 5 free, the 6th and 7th wait for the window (no request after 5 within 30 s).
    assert.equal(clock.sleeps.length, 1);
    assert.equal(clock.sleeps[0], 30_000);
    assert.equal(server.headers[0].apikey, undefined);
    const log = await store.listFeedImports({ format: 'nvd-api' });
    assert.equal(log[0].through, new Date(Date.parse('2025-01-01T00:00:00Z')).toISOString());

    // 200 days later: two windows starting where the last update stopped.
    clock.time += 200 * 86_400_000;
    server.requests.length = 0;
    const expectedEnd = new Date(clock.time).toISOString().replace('Z', '+00:00');
    const [again] = await updateFeeds(store, { nvdUrl: server.url, skipKev: true, apiKey: 'k-123', resultsPerPage: 2000, now, sleep });
    assert.deepEqual([again.inserted, again.unchanged], [0, 26]);
    assert.deepEqual(
      server.requests.map((url) => url.searchParams.get('lastModStartDate')),
      ['2025-01-01T00:00:00.000+00:00', '2025-05-01T00:00:00.000+00:00'],
    );
    assert.equal(server.requests[1].searchParams.get('lastModEndDate'), expectedEnd);
    assert.equal(server.headers.at(-1)?.apikey, 'k-123');
  } finally {
    await store.close();
    await server.close();
  }
});

test('503 and 429 are retried with backoff (Retry-After honoured); a 400 is not', async () => {
  const server = await fakeNvd(3);
  const store = await openStore(':memory:');
  try {
    const { clock, now, sleep } = fakeClock();
    server.failures = [503, 429];
    const [nvd] = await updateFeeds(store, { nvdUrl: server.url, skipKev: true, now, sleep });
    assert.equal(nvd.inserted, 3);
    assert.deepEqual(clock.sleeps, [7000, 7000]);
    server.failures = [400];
    await assert.rejects(
      updateFeeds(store, { nvdUrl: server.url, skipKev: true, since: '2024-12-01T00:00:00Z', now, sleep }),
      (error: unknown) => error instanceof OpenNoticeError && /HTTP 400 after 1 attempt/.test(error.message),
    );
    server.failures = [503, 503, 503];
    await assert.rejects(updateFeeds(store, { nvdUrl: server.url, skipKev: true, maxRetries: 2, now, sleep }), /HTTP 503 after 3 attempt/);
  } finally {
    await store.close();
    await server.close();
  }
});

test('an unreachable server fails clearly and points at offline import', async () => {
  const server = await fakeNvd(0);
  const url = server.url;
  await server.close(); // nothing listens on that loopback port any more
  const store = await openStore(':memory:');
  try {
    const { now, sleep } = fakeClock();
    await assert.rejects(
      updateFeeds(store, { nvdUrl: url, skipKev: true, now, sleep }),
      (error: unknown) =>
        error instanceof OpenNoticeError &&
        error.code === 'FEED_UNREACHABLE' &&
        /cannot reach http:\/\/127\.0\.0\.1:\d+\/rest\/json\/cves\/2\.0/.test(error.message) &&
        /feeds import/.test(error.message),
    );
    assert.equal((await store.listFeedImports({ format: 'nvd-api' }))[0]?.through, undefined, 'nothing recorded as covered');
  } finally {
    await store.close();
  }
});

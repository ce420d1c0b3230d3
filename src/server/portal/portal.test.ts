import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../../core/records.ts';
import { issueApiToken } from '../auth/tokens.ts';
import { parseCsv } from '../../../test/support/notifiable-findings.ts';
import { buildTestApp, createBrowser, createFixture, hostileBanner, hostileVendor, logIn, type Fixture } from '../../../test/support/server-fixture.ts';

async function aliceSession(fixture: Fixture) {
  const app = buildTestApp(fixture);
  const browser = createBrowser(app);
  await logIn(browser, fixture.users.alice);
  return { app, browser };
}

/** Adds `count` open weak-credential findings to ISP A (192.0.2.100 …). */
async function addFindingsToA(fixture: Fixture, count: number): Promise<number[]> {
  const { store } = fixture;
  const run = await store.startRun({ startedAt: '2025-02-20T00:00:00.000Z', scope: [], exclude: [], ports: [23], checks: ['credentials'] });
  const ips = Array.from({ length: count }, (_, index) => `192.0.2.${100 + index}`);
  await store.reconcileFindings(run, {
    found: ips.map(
      (ip): Finding => ({ kind: 'weak-credential', ip, port: 23, protocol: 'telnet', evidence: {}, observedAt: '2025-02-20T00:00:00.000Z' }) as Finding,
    ),
    covered: [],
  });
  const ids = (await store.listFindings()).filter((row) => ips.includes(row.ip)).map((row) => row.id);
  await store.recordAttributions(ids.map((findingId) => ({ findingId, attribution: { source: 'registry' as const, ispId: 'isp-a' } })));
  return ids;
}

test('the overview counts open and closed findings by kind, lists what was fixed and the latest report', async () => {
  const fixture = await createFixture();
  const { browser } = await aliceSession(fixture);
  const page = (await browser.request({ url: '/portal' })).text();
  const row = (label: string) => new RegExp(`${label}</a></td><td class="number">(\\d+)</td><td class="number">(\\d+)</td>`).exec(page)?.slice(1);
  assert.deepEqual(row('Weak password'), ['1', '1']);
  assert.deepEqual(row('Infected'), ['1', '0']);
  assert.match(page, /<section class="recently-closed">[\s\S]*192\.0\.2\.12:23\/telnet[\s\S]*<\/section>/);
  assert.match(page, new RegExp(`Report #${fixture.reports.a}\\b`));
  const japanese = (await browser.request({ url: '/portal?lang=ja' })).text();
  assert.match(japanese, /<html lang="ja">/);
  assert.match(japanese, /未対応の検出結果/);
});

test('the findings table filters by kind and status and escapes what devices said', async () => {
  const fixture = await createFixture();
  const { browser } = await aliceSession(fixture);
  const all = (await browser.request({ url: '/portal/findings' })).text();
  assert.equal(all.match(/<tr><td class="address"><a href="\/portal\/findings\/\d+">/g)?.length, 3);
  assert.ok(!all.includes(hostileVendor), 'the hostile vendor string is escaped');
  assert.ok(all.includes('&lt;script&gt;alert(&quot;vendor&quot;)&lt;/script&gt;'));
  const closed = (await browser.request({ url: '/portal/findings?status=closed' })).text();
  assert.deepEqual(
    [...closed.matchAll(/>(192\.0\.2\.\d+):/g)].map((match) => match[1]),
    ['192.0.2.12'],
  );
  const infected = (await browser.request({ url: '/portal/findings?kind=infected' })).text();
  assert.deepEqual(
    [...infected.matchAll(/>(192\.0\.2\.\d+) \(darknet\)/g)].map((match) => match[1]),
    ['192.0.2.11'],
  );
  const detail = (await browser.request({ url: `/portal/findings/${fixture.findings.a[0]}` })).text();
  assert.ok(!detail.includes(hostileBanner));
  assert.ok(detail.includes('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;'));
});

test('an invalid filter is a 400 on the portal list as on the API, never a silently unfiltered list', async () => {
  const fixture = await createFixture();
  const { app, browser } = await aliceSession(fixture);
  const alice = (await fixture.store.findWebUser(fixture.users.alice))!;
  const { token } = await issueApiToken(fixture.store, alice.id, 'x', fixture.clock.now);
  for (const [query, name] of [
    ['kind=bogus', 'kind'],
    ['status=opened', 'status'],
    ['status=open&cursor=-1', 'cursor'],
  ] as const) {
    const page = await browser.request({ url: `/portal/findings?${query}&lang=en` });
    assert.equal(page.status, 400, query);
    assert.ok(page.text().includes(`The filter “${name}”`), query);
    assert.doesNotMatch(page.text(), /<tr><td class="address">/, `${query}: no findings under a filter that was not applied`);
    assert.equal((await app.request({ url: `/api/v1/findings?${query}`, headers: { authorization: `Bearer ${token}` } })).status, 400, query);
  }
});

test('pages follow the keyset cursor: every finding once, newest first', async () => {
  const fixture = await createFixture();
  await addFindingsToA(fixture, 120);
  const { browser } = await aliceSession(fixture);
  const seen: number[] = [];
  let url: string | undefined = '/portal/findings';
  for (let page = 0; url && page < 10; page++) {
    const text = (await browser.request({ url })).text();
    seen.push(...[...text.matchAll(/<tr><td class="address"><a href="\/portal\/findings\/(\d+)">/g)].map((match) => Number(match[1])));
    url = /<a rel="next" href="([^"]+)">/.exec(text)?.[1]?.replaceAll('&amp;', '&');
  }
  assert.equal(seen.length, 123);
  assert.equal(new Set(seen).size, 123);
  assert.deepEqual(
    seen,
    [...seen].sort((a, b) => b - a),
  );
});

test('feedback from the form is stored with its author and shown escaped on the finding', async () => {
  const fixture = await createFixture();
  const { browser } = await aliceSession(fixture);
  const id = fixture.findings.a[1]!;
  await browser.request({ url: `/portal/findings/${id}` });
  const saved = await browser.post(`/portal/findings/${id}/feedback`, { action: 'subscriber-contacted', note: 'called <b>them</b>' });
  assert.equal(saved.status, 303);
  assert.equal(saved.headers.location, `/portal/findings/${id}`);
  const [row] = await fixture.store.listFeedback({ findingId: id });
  assert.equal(row?.action, 'subscriber-contacted');
  assert.equal(row?.ispId, 'isp-a');
  assert.equal(row?.author, fixture.users.alice);
  assert.equal(row?.note, 'called <b>them</b>');
  assert.equal(row?.at, fixture.clock.now.toISOString());
  const page = (await browser.request({ url: `/portal/findings/${id}` })).text();
  assert.match(page, /Subscriber contacted \(by alice@a\): <q>called &lt;b&gt;them&lt;\/b&gt;<\/q>/);
  assert.equal((await browser.post(`/portal/findings/${id}/feedback`, { action: 'deleted-everything' })).status, 400);
  assert.equal((await fixture.store.listFeedback({ findingId: id })).length, 1);
});

test("report downloads render the ISP's own report in CSV, JSON and STIX; another ISP's report is not found", async () => {
  const fixture = await createFixture();
  const { browser } = await aliceSession(fixture);
  const list = (await browser.request({ url: '/portal/reports' })).text();
  assert.match(list, new RegExp(`href="/portal/reports/${fixture.reports.a}/report.csv"`));
  assert.ok(!list.includes(`/portal/reports/${fixture.reports.b}/`));
  const csv = await browser.request({ url: `/portal/reports/${fixture.reports.a}/report.csv` });
  assert.equal(csv.headers['content-type'], 'text/csv; charset=utf-8');
  assert.match(csv.headers['content-disposition']!, /^attachment; filename="opennotice-isp-a-report-\d+\.csv"$/);
  const rows = parseCsv(csv.text());
  const ipColumn = rows[0]!.indexOf('ip');
  assert.deepEqual(
    rows
      .slice(1)
      .map((cells) => cells[ipColumn])
      .sort(),
    ['192.0.2.10', '192.0.2.11', '192.0.2.12'],
  );
  const json = JSON.parse((await browser.request({ url: `/portal/reports/${fixture.reports.a}/report.json` })).text()) as { findings: unknown[] };
  assert.equal(json.findings.length, 3);
  const stix = await browser.request({ url: `/portal/reports/${fixture.reports.a}/report.stix.json` });
  assert.equal(stix.headers['content-type'], 'application/stix+json;version=2.1');
  assert.equal((JSON.parse(stix.text()) as { type: string }).type, 'bundle');
  for (const suffix of ['report.csv', 'report.json', 'report.stix.json']) {
    assert.equal((await browser.request({ url: `/portal/reports/${fixture.reports.b}/${suffix}` })).status, 404);
  }
});

test('API tokens: created once on the page, work for the API with the same scope, stop working when revoked', async () => {
  const fixture = await createFixture();
  const { app, browser } = await aliceSession(fixture);
  await browser.request({ url: '/portal/tokens' });
  const created = await browser.post('/portal/tokens', { label: 'ticket <system>' });
  assert.equal(created.status, 201);
  const token = /<code class="secret">(on_[A-Za-z0-9_-]{43})<\/code>/.exec(created.text())?.[1];
  assert.ok(token, 'the token is shown on the creating page');
  const listed = (await browser.request({ url: '/portal/tokens' })).text();
  assert.ok(!listed.includes(token), 'and never again');
  assert.match(listed, /ticket &lt;system&gt;/);
  const bearer = { authorization: `Bearer ${token}` };

  const first = await app.request({ url: '/api/v1/findings?limit=2', headers: bearer });
  assert.equal(first.status, 200);
  assert.equal(first.headers['cache-control'], 'no-store');
  const page1 = first.json() as { findings: Array<{ id: number; ip: string }>; nextCursor: string | null };
  assert.equal(page1.findings.length, 2);
  assert.ok(page1.nextCursor);
  const page2 = (await app.request({ url: `/api/v1/findings?limit=2&cursor=${page1.nextCursor}`, headers: bearer })).json() as typeof page1;
  assert.equal(page2.nextCursor, null);
  assert.deepEqual([...page1.findings, ...page2.findings].map((finding) => finding.ip).sort(), ['192.0.2.10', '192.0.2.11', '192.0.2.12']);
  assert.equal((await app.request({ url: '/api/v1/findings?kind=bogus', headers: bearer })).status, 400);

  const detail = (await app.request({ url: `/api/v1/findings/${fixture.findings.a[2]}`, headers: bearer })).json() as {
    finding: { status: string; closedAt: string };
    events: Array<{ event: string }>;
    reports: Array<{ id: number }>;
  };
  assert.equal(detail.finding.status, 'closed');
  assert.deepEqual(
    detail.events.map((event) => event.event),
    ['opened', 'closed'],
  );
  assert.deepEqual(
    detail.reports.map((report) => report.id),
    [fixture.reports.a],
  );
  assert.equal((await app.request({ url: `/api/v1/findings/${fixture.findings.b[0]}`, headers: bearer })).status, 404);

  const feedback = await app.request({
    method: 'POST',
    url: `/api/v1/findings/${fixture.findings.a[0]}/feedback`,
    body: JSON.stringify({ action: 'false-positive', note: 'lab device' }),
    headers: { ...bearer, 'content-type': 'application/json' },
  });
  assert.equal(feedback.status, 201);
  assert.equal((await fixture.store.listFeedback({ findingId: fixture.findings.a[0] }))[0]?.action, 'false-positive');

  const reports = (await app.request({ url: '/api/v1/reports', headers: bearer })).json() as { reports: Array<{ id: number; files: { csv: string } }> };
  assert.deepEqual(
    reports.reports.map((report) => report.id),
    [fixture.reports.a],
  );
  assert.equal((await app.request({ url: reports.reports[0]!.files.csv, headers: bearer })).status, 200);
  assert.equal((await app.request({ url: `/api/v1/reports/${fixture.reports.b}/report.csv`, headers: bearer })).status, 404);

  const [stored] = await fixture.store.listApiTokens({ userId: (await fixture.store.findWebUser(fixture.users.alice))!.id });
  assert.equal(stored?.lastUsedAt, fixture.clock.now.toISOString());
  const revoked = await browser.post(`/portal/tokens/${stored!.id}/revoke`, {});
  assert.equal(revoked.status, 303);
  const after = await app.request({ url: '/api/v1/findings', headers: bearer });
  assert.equal(after.status, 401);
  assert.equal(after.headers['www-authenticate'], 'Bearer');
  assert.equal((await browser.post(`/portal/tokens/${stored!.id}/revoke`, {})).status, 404, 'already revoked');
});

test('the API without credentials, or with a malformed token, answers 401 JSON', async () => {
  const fixture = await createFixture();
  const app = buildTestApp(fixture);
  for (const headers of [{}, { authorization: 'Bearer on_nonsense' }, { authorization: 'Basic YWxpY2U6cHc=' }] as Array<Record<string, string>>) {
    const response = await app.request({ url: '/api/v1/findings', headers });
    assert.equal(response.status, 401);
    assert.equal((response.json() as { status: number }).status, 401);
  }
});

test("a token cannot revoke another user's token", async () => {
  const fixture = await createFixture();
  const { browser } = await aliceSession(fixture);
  const bob = (await fixture.store.findWebUser(fixture.users.bob))!;
  const { issueApiToken } = await import('../auth/tokens.ts');
  const bobs = await issueApiToken(fixture.store, bob.id, 'bob', fixture.clock.now);
  await browser.request({ url: '/portal/tokens' });
  assert.equal((await browser.post(`/portal/tokens/${bobs.id}/revoke`, {})).status, 404);
  assert.equal((await fixture.store.listApiTokens({ userId: bob.id }))[0]?.revokedAt, undefined);
});

test("a finding's page says what to tell the subscriber: the kind's advice and the device's steps", async () => {
  const fixture = await createFixture();
  const { browser } = await aliceSession(fixture);
  // The fixture's devices are routers.
  const page = (await browser.request({ url: `/portal/findings/${fixture.findings.a[0]}` })).text();
  assert.match(
    page,
    /<section class="subscriber-advice"><h2>What to tell the subscriber<\/h2><p>A device here accepts a factory-default[^<]*<\/p><p>For a router:<\/p><ol><li>/,
  );
  const japanese = (await browser.request({ url: `/portal/findings/${fixture.findings.a[1]}?lang=ja` })).text();
  assert.match(japanese, /<section class="subscriber-advice"><h2>利用者へ伝える対処<\/h2>[\s\S]*ルーターの場合：/);
});

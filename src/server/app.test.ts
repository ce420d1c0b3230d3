import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from './app.ts';
import { html } from './html.ts';
import { renderPage } from './layout.ts';
import type { Route } from './route-types.ts';
import { contentSecurityPolicy } from './security-headers.ts';
import { buildTestApp, createBrowser, createFixture, logIn, testScryptCost } from '../../test/support/server-fixture.ts';

/** A module with a public form, a failing handler and a JSON echo, to exercise the core alone. */
const probeRoutes = (): Route[] => [
  {
    method: 'GET',
    path: '/probe/form',
    access: 'public',
    handle: (request) =>
      renderPage(request, { title: 'form', body: html`<form method="post"><input type="hidden" name="csrf" value="${request.csrfToken ?? ''}"></form>` }),
  },
  { method: 'POST', path: '/probe/form', access: 'public', handle: async (request) => ({ status: 200, body: `got ${(await request.form()).get('value')}` }) },
  { method: 'GET', path: '/probe/plain', access: 'public', handle: () => ({ status: 200, body: 'plain' }) },
  {
    method: 'GET',
    path: '/probe/fail',
    access: 'public',
    handle: () => {
      throw new Error('secret internal detail at /srv/app.ts:42');
    },
  },
  {
    method: 'POST',
    path: '/probe/json',
    access: 'public',
    csrf: false,
    handle: async (request) => ({ status: 200, body: JSON.stringify(await request.json()) }),
  },
  { method: 'GET', path: '/probe/items/:id', access: 'public', handle: (request) => ({ status: 200, body: `item ${request.params.id} ${request.locale}` }) },
  { method: 'GET', path: '/probe/items/new', access: 'public', handle: () => ({ status: 200, body: 'new item form' }) },
  { method: 'GET', path: '/probe/address', access: 'public', handle: (request) => ({ status: 200, body: request.remoteAddress }) },
];

async function probeApp(options: { publicUrl?: string; trustProxy?: boolean } = {}) {
  const fixture = await createFixture();
  const errors: unknown[] = [];
  const app = buildApp({
    deps: fixture.deps,
    auth: { passwordCost: testScryptCost },
    modules: [probeRoutes],
    onError: (error) => errors.push(error),
    ...options,
  });
  return { fixture, app, errors };
}

test('routes match literal before parameter segments; unknown paths 404; wrong methods 405 with Allow', async () => {
  const { app } = await probeApp();
  assert.equal((await app.request({ url: '/probe/items/new' })).text(), 'new item form');
  assert.equal((await app.request({ url: '/probe/items/a%20b' })).text(), 'item a b en');
  assert.equal((await app.request({ url: '/probe/nothing' })).status, 404);
  const wrongMethod = await app.request({ method: 'DELETE', url: '/probe/form' });
  assert.equal(wrongMethod.status, 405);
  assert.equal(wrongMethod.headers.allow, 'GET, HEAD, POST');
  assert.equal((await app.request({ url: '/probe/items/%E0%A4%A' })).status, 400);
  const head = await app.request({ method: 'HEAD', url: '/probe/plain' });
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
});

test('language: ?lang= wins and is remembered in a cookie, then the cookie, then Accept-Language, else English', async () => {
  const { app } = await probeApp();
  const chosen = await app.request({ url: '/probe/items/1?lang=ja', headers: { 'accept-language': 'en' } });
  assert.equal(chosen.text(), 'item 1 ja');
  assert.ok(chosen.setCookies.some((line) => /^lang=ja; Path=\/; SameSite=Lax; Max-Age=31536000/.test(line)));
  assert.equal((await app.request({ url: '/probe/items/1', headers: { cookie: 'lang=ja', 'accept-language': 'en' } })).text(), 'item 1 ja');
  assert.equal((await app.request({ url: '/probe/items/1', headers: { 'accept-language': 'fr;q=1, ja-JP;q=0.8, en;q=0.5' } })).text(), 'item 1 ja');
  assert.equal((await app.request({ url: '/probe/items/1', headers: { 'accept-language': 'de' } })).text(), 'item 1 en');
  assert.equal((await app.request({ url: '/probe/items/1?lang=xx' })).text(), 'item 1 en');
});

test('every response carries the security headers; authenticated ones are never cached', async () => {
  const fixture = await createFixture();
  const app = buildTestApp(fixture);
  const anonymous = await app.request({ url: '/login' });
  assert.equal(anonymous.headers['content-security-policy'], contentSecurityPolicy);
  assert.match(
    contentSecurityPolicy,
    /default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'/,
  );
  assert.equal(anonymous.headers['x-content-type-options'], 'nosniff');
  assert.equal(anonymous.headers['referrer-policy'], 'same-origin');
  assert.equal(anonymous.headers['x-frame-options'], 'DENY');
  assert.equal(anonymous.headers['cross-origin-opener-policy'], 'same-origin');
  assert.ok(anonymous.headers['permissions-policy']);
  assert.equal(anonymous.headers['strict-transport-security'], undefined, 'no HSTS over plain http');
  for (const response of [await app.request({ url: '/nowhere' }), await app.request({ url: '/assets/site.css' })]) {
    assert.equal(response.headers['content-security-policy'], contentSecurityPolicy);
    assert.equal(response.headers['x-frame-options'], 'DENY');
  }
  const browser = createBrowser(app);
  await logIn(browser, fixture.users.alice);
  for (const url of ['/portal', '/portal/findings', `/portal/reports/${fixture.reports.a}/report.csv`, '/nowhere']) {
    assert.equal((await browser.request({ url })).headers['cache-control'], 'no-store', url);
  }
});

test('an https public URL adds HSTS and Secure __Host- cookies', async () => {
  const fixture = await createFixture();
  const app = buildTestApp(fixture, { publicUrl: 'https://notice.example' });
  const page = await app.request({ url: '/login?lang=ja' });
  assert.equal(page.headers['strict-transport-security'], 'max-age=31536000');
  assert.ok(page.setCookies.every((line) => /; Secure/.test(line)));
  assert.ok(page.setCookies.some((line) => line.startsWith('__Host-on_csrf=')));
  const browser = createBrowser(app);
  await browser.request({ url: '/login' });
  const login = await browser.post(
    '/login',
    { name: fixture.users.alice, password: 'correct horse battery staple' },
    { headers: { origin: 'https://notice.example' } },
  );
  assert.equal(login.status, 303);
  assert.match(login.setCookies.find((line) => line.startsWith('__Host-on_session='))!, /HttpOnly; Secure/);
});

test('CSRF: anonymous forms need the signed cookie token; missing, wrong, forged or cross-origin posts are 403', async () => {
  const { app } = await probeApp();
  const browser = createBrowser(app);
  const page = await browser.request({ url: '/probe/form' });
  assert.ok(page.setCookies.some((line) => line.startsWith('on_csrf=') && /HttpOnly/.test(line)));
  assert.equal((await browser.post('/probe/form', { value: 'ok' })).text(), 'got ok');
  assert.equal((await browser.post('/probe/form', { value: 'x' }, { csrf: null })).status, 403);
  assert.equal((await browser.post('/probe/form', { value: 'x' }, { csrf: `${browser.csrf}x` })).status, 403);
  assert.equal((await browser.post('/probe/form', { value: 'x' }, { headers: { origin: 'https://evil.example' } })).status, 403);
  assert.equal((await browser.post('/probe/form', { value: 'x' }, { headers: { origin: 'null' } })).status, 403);
  assert.equal((await browser.post('/probe/form', { value: 'ok' }, { headers: { origin: 'http://opennotice.test' } })).status, 200);
  // A double-submit pair the attacker made up (cookie and field equal, but not signed by us) fails.
  const forged = `${'A'.repeat(24)}.${'B'.repeat(43)}`;
  const attack = await app.request({
    method: 'POST',
    url: '/probe/form',
    body: `value=x&csrf=${forged}`,
    headers: { cookie: `on_csrf=${forged}`, 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(attack.status, 403);
  // Pages without forms set no cookie at all.
  assert.deepEqual((await app.request({ url: '/probe/plain' })).setCookies, []);
});

test('CSRF: a session post needs the session token; an API token call does not', async () => {
  const fixture = await createFixture();
  const app = buildTestApp(fixture);
  const browser = createBrowser(app);
  await logIn(browser, fixture.users.alice);
  const url = `/portal/findings/${fixture.findings.a[0]}/feedback`;
  assert.equal((await browser.post(url, { action: 'handled' }, { csrf: null })).status, 403);
  assert.equal((await browser.post(url, { action: 'handled' }, { csrf: 'wrong-token' })).status, 403);
  assert.equal((await browser.post(url, { action: 'handled' }, { headers: { origin: 'https://evil.example' } })).status, 403);
  assert.equal((await fixture.store.listFeedback({ findingId: fixture.findings.a[0] })).length, 0);
  assert.equal((await browser.post(url, { action: 'handled' })).status, 303);
  const user = (await fixture.store.findWebUser(fixture.users.alice))!;
  const { issueApiToken } = await import('./auth/tokens.ts');
  const { token } = await issueApiToken(fixture.store, user.id, 'script', fixture.clock.now);
  const api = await app.request({
    method: 'POST',
    url: `/api/v1/findings/${fixture.findings.a[0]}/feedback`,
    body: '{"action":"device-replaced"}',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', origin: 'https://elsewhere.example' },
  });
  assert.equal(api.status, 201);
  assert.deepEqual(
    (await fixture.store.listFeedback({ findingId: fixture.findings.a[0] })).map((row) => row.action),
    ['handled', 'device-replaced'],
  );
});

test('bodies are bounded: forms at 64 KiB, JSON at 1 MiB (413), malformed JSON is 400', async () => {
  const { app } = await probeApp();
  const browser = createBrowser(app);
  await browser.request({ url: '/probe/form' });
  assert.equal((await browser.post('/probe/form', { value: 'x'.repeat(70 * 1024) })).status, 413);
  const json = (body: string) => app.request({ method: 'POST', url: '/probe/json', body, headers: { 'content-type': 'application/json' } });
  assert.equal((await json(JSON.stringify({ text: 'y'.repeat(200 * 1024) }))).status, 200, '200 KiB of JSON is fine');
  assert.equal((await json(JSON.stringify({ text: 'y'.repeat(1100 * 1024) }))).status, 413);
  assert.equal((await json('{not json')).status, 400);
  assert.equal((await app.request({ method: 'POST', url: '/probe/json', body: 'a=1', headers: { 'content-type': 'text/plain' } })).status, 415);
});

test('a failing handler answers 500 with a plain page and no detail, and the error is logged', async () => {
  const { app, errors } = await probeApp();
  const response = await app.request({ url: '/probe/fail' });
  assert.equal(response.status, 500);
  assert.doesNotMatch(response.text(), /secret internal detail|srv|at \//);
  assert.equal(errors.length, 1);
  const api = await app.request({ url: '/probe/fail', headers: { accept: 'application/json' } });
  assert.deepEqual(api.json(), { error: 'Something went wrong', status: 500 });
});

test('assets: site files and the ECharts bundle with types, caching and gzip; no way out of the folder', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-assets-'));
  try {
    writeFileSync(join(directory, 'site.css'), 'body { color: black }\n'.repeat(100));
    writeFileSync(join(tmpdir(), 'opennotice-outside.css'), 'outside');
    symlinkSync(join(tmpdir(), 'opennotice-outside.css'), join(directory, 'link.css'));
    const fixture = await createFixture();
    const app = buildTestApp(fixture, { assetDirectory: directory });
    const css = await app.request({ url: '/assets/site.css' });
    assert.equal(css.status, 200);
    assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
    assert.match(css.headers['cache-control']!, /max-age=\d{5,}/);
    assert.deepEqual(css.setCookies, []);
    assert.equal((await app.request({ url: '/assets/site.css', headers: { 'if-none-match': css.headers.etag! } })).status, 304);
    const gzip = await app.request({ url: '/assets/site.css', headers: { 'accept-encoding': 'gzip, br' } });
    assert.equal(gzip.headers['content-encoding'], 'gzip');
    const { gunzipSync } = await import('node:zlib');
    assert.equal(gunzipSync(gzip.body).toString(), css.text());
    const echarts = await app.request({ url: '/assets/echarts.min.js' });
    assert.equal(echarts.status, 200);
    assert.equal(echarts.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.ok(echarts.body.length > 100_000);
    for (const url of [
      '/assets/..%2Fapp.ts',
      '/assets/%2E%2E/app.ts',
      '/assets/../package.json',
      '/assets/link.css',
      '/assets/site.css.map',
      '/assets/.hidden.css',
      '/assets/app.ts',
    ]) {
      const response = await app.request({ url });
      assert.ok([400, 404].includes(response.status), `${url} → ${response.status}`);
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
    rmSync(join(tmpdir(), 'opennotice-outside.css'), { force: true });
  }
});

test("the client address: the socket peer (IPv4-mapped unwrapped), or the proxy's X-Forwarded-For only when trusted and the peer is loopback", async () => {
  const direct = (await probeApp()).app;
  const address = async (app: typeof direct, remoteAddress: string, forwarded?: string) =>
    (await app.request({ url: '/probe/address', remoteAddress, headers: forwarded ? { 'x-forwarded-for': forwarded } : {} })).text();
  assert.equal(await address(direct, '::ffff:198.51.100.7'), '198.51.100.7');
  assert.equal(await address(direct, '127.0.0.1', '203.0.113.5'), '127.0.0.1', 'not trusted by default');
  const proxied = (await probeApp({ trustProxy: true })).app;
  assert.equal(await address(proxied, '127.0.0.1', '10.0.0.1, 203.0.113.5'), '203.0.113.5', 'the entry the proxy appended');
  assert.equal(await address(proxied, '198.51.100.7', '203.0.113.5'), '198.51.100.7', 'only a loopback peer is a trusted proxy');
});

test('warmUp starts counting the dashboard and public figures when the app is built; tests and the default do not', async () => {
  const fixture = await createFixture();
  try {
    let counts = 0;
    const countOnce = fixture.store.dashboardAggregates.bind(fixture.store);
    fixture.store.dashboardAggregates = async () => {
      counts++;
      return countOnce();
    };
    buildTestApp(fixture);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(counts, 0, 'nothing is counted before a request by default');
    buildTestApp(fixture, { warmUp: true });
    // The counts start after a few turns of the event loop (the change mark is read first); no request is made.
    for (let turn = 0; turn < 1000 && counts < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(counts, 2, 'the dashboard and the public statistics each start their count');
  } finally {
    await fixture.store.close();
  }
});

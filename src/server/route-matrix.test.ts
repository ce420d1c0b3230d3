// CSRF and escaping, route by route: every route of the composed app — whatever modules are
// registered, so routes added later are covered without editing this test — is called by a
// caller it admits. Every post without the CSRF token, or from another origin, is refused
// with 403 (routes that check the token themselves included); every GET with hostile text in
// its parameters and query shows that text only escaped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InjectResponse } from './app.ts';
import type { Route } from './route-types.ts';
import { buildTestApp, createBrowser, createFixture, logIn, type TestBrowser } from '../../test/support/server-fixture.ts';

const fill = (route: Route, value: string) =>
  route.path
    .split('/')
    .map((part) => (part.startsWith(':') ? encodeURIComponent(value) : part))
    .join('/');

async function callers() {
  const fixture = await createFixture();
  const app = buildTestApp(fixture);
  const visitor = createBrowser(app);
  await visitor.request({ url: '/login' });
  const isp = createBrowser(app);
  await logIn(isp, fixture.users.alice);
  const operator = createBrowser(app);
  await logIn(operator, fixture.users.operator);
  // Exhaustive on purpose: a new kind of access fails to compile here until it has its callers.
  const admitted = (route: Route): TestBrowser[] => {
    switch (route.access) {
      case 'public':
        return [visitor, isp];
      case 'isp':
        return [isp];
      case 'operator':
        return [operator];
      default: {
        const unknown: never = route.access;
        throw new Error(`route-matrix.test.ts has no caller for access "${String(unknown)}"`);
      }
    }
  };
  return { fixture, app, admitted };
}

test('every post without the CSRF token, or from another origin, is refused', async () => {
  const { fixture, app, admitted } = await callers();
  const posts = app.routes.filter((route) => route.method === 'POST');
  assert.ok(posts.length >= 8, `the composed app has its posts (${posts.length})`);
  const findingId = String(fixture.findings.a[0]);
  for (const route of posts) {
    const url = fill(route, findingId);
    const isApi = url.startsWith('/api/');
    for (const caller of admitted(route)) {
      // Without a session there is nothing to forge on a route that checks the token itself (logout).
      if (!caller.cookies.has('on_session') && route.csrf === false) continue;
      const who = `POST ${url} (${route.access}) as ${caller.cookies.has('on_session') ? 'a session' : 'a visitor'}`;
      const send = (csrf: string | undefined, origin?: string): Promise<InjectResponse> => {
        const headers: Record<string, string> = {
          'content-type': isApi ? 'application/json' : 'application/x-www-form-urlencoded',
          ...(origin ? { origin } : {}),
        };
        if (isApi && csrf) headers['x-csrf-token'] = csrf;
        const body = isApi
          ? '{"action":"handled"}'
          : new URLSearchParams({ action: 'handled', label: 'x', cidrs: '133.0.0.0/24', contact: 'a@b.example', ...(csrf ? { csrf } : {}) }).toString();
        return caller.request({ method: 'POST', url, body, headers });
      };
      assert.equal((await send(undefined)).status, 403, `${who} without a token`);
      assert.equal((await send('not-the-token')).status, 403, `${who} with a wrong token`);
      assert.equal((await send(caller.csrf, 'https://evil.example')).status, 403, `${who} from another origin`);
    }
  }
  assert.deepEqual(await fixture.store.listFeedback({ findingId: fixture.findings.a[0] }), [], 'no refused post wrote anything');
  assert.deepEqual(await fixture.store.listOptOutRequests(), []);
});

test('every page shows hostile text from its parameters and query only escaped', async () => {
  const { app, admitted } = await callers();
  const payloads = ['<script>window.__xss=1</script>', '"><img src=x onerror=alert(1)>', "'><svg onload=alert(2)>"];
  const gets = app.routes.filter((route) => route.method === 'GET');
  assert.ok(gets.length >= 20, `the composed app has its pages (${gets.length})`);
  for (const route of gets) {
    for (const payload of payloads) {
      const query = new URLSearchParams({ kind: payload, status: payload, next: payload, q: payload, lang: 'en' }).toString();
      const url = `${fill(route, payload)}?${query}`;
      for (const caller of admitted(route)) {
        const response = await caller.request({ url });
        const text = response.text();
        for (const raw of ['<script>window.__xss', '<img src=x', '<svg onload'])
          assert.ok(!text.includes(raw), `GET ${url} (${route.access}) shows ${raw} unescaped`);
        assert.ok(response.status < 500, `GET ${url} → ${response.status}`);
      }
    }
  }
});

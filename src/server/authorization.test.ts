// Authorization, route by route: every route of the composed app (whatever modules are
// registered, so pages added later are covered without editing this test) is called as
// nobody, as ISP A's user (session and API token) with ISP B's ids in every parameter, and
// operator routes as an ISP. Nothing of ISP B may appear, nothing of B may change, and the
// status must be a redirect to log in, 401 or 404 — never 403, which would confirm the id.
// A token gets 404 on every route off the API, whatever the id.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { issueApiToken, tokenMayCall } from './auth/tokens.ts';
import type { InjectResponse } from './app.ts';
import type { Route } from './route-types.ts';
import { buildTestApp, createBrowser, createFixture, logIn, type TestBrowser } from '../../test/support/server-fixture.ts';

const paramNames = (route: Route) =>
  route.path
    .split('/')
    .filter((part) => part.startsWith(':'))
    .map((part) => part.slice(1));
const fill = (route: Route, value: string) =>
  route.path
    .split('/')
    .map((part) => (part.startsWith(':') ? encodeURIComponent(value) : part))
    .join('/');

test('no route gives anyone but ISP B a trace of ISP B', async () => {
  const fixture = await createFixture();
  const app = buildTestApp(fixture);
  const store = fixture.store;
  const bob = (await store.findWebUser(fixture.users.bob))!;
  const alice = (await store.findWebUser(fixture.users.alice))!;
  const operator = (await store.findWebUser(fixture.users.operator))!;
  // Spread token ids away from the finding and report ids so a B token id is not also an A id.
  for (let index = 0; index < 8; index++) await issueApiToken(store, operator.id, `filler ${index}`, fixture.clock.now);
  const bobToken = await issueApiToken(store, bob.id, 'bob-automation-label', fixture.clock.now);
  const aliceToken = await issueApiToken(store, alice.id, 'alice automation', fixture.clock.now);

  const bFindings = await store.listIspFindings({ ispId: 'isp-b', limit: 100 });
  const secretsOfB = [...bFindings.flatMap((finding) => [finding.ip, finding.model!]), 'B Net', fixture.users.bob, 'bob-automation-label'];
  const findingSecretsOfB = bFindings.flatMap((finding) => [finding.ip, finding.model!]);
  const idsOfB = [...fixture.findings.b.map(String), String(fixture.reports.b), String(bobToken.id), 'isp-b', ...bFindings.map((finding) => finding.ip)];
  const idsOfA = new Set([...fixture.findings.a, fixture.reports.a, aliceToken.id].map(String));

  // Control: B's own pages do show these strings, so their absence below means something.
  const bobBrowser = createBrowser(app);
  await logIn(bobBrowser, fixture.users.bob);
  assert.match((await bobBrowser.request({ url: `/portal/findings/${fixture.findings.b[0]}` })).text(), /198\.51\.100\.10/);
  assert.match((await bobBrowser.request({ url: `/portal/reports/${fixture.reports.b}/report.csv` })).text(), /198\.51\.100\.10/);

  const routes = app.routes;
  assert.ok(routes.length >= 20, `the composed app has its routes (${routes.length})`);
  const aliceBrowser = createBrowser(app);
  await logIn(aliceBrowser, fixture.users.alice);
  const checked: string[] = [];

  const send = async (caller: TestBrowser | 'nobody' | 'token', route: Route, url: string): Promise<InjectResponse> => {
    const isApi = url.startsWith('/api/');
    const body = route.method === 'POST' ? (isApi ? '{"action":"handled","note":"x"}' : 'action=handled&note=x&label=x&name=x&password=x') : undefined;
    const headers: Record<string, string> = body === undefined ? {} : { 'content-type': isApi ? 'application/json' : 'application/x-www-form-urlencoded' };
    if (caller === 'nobody') return app.request({ method: route.method, url, body, headers });
    if (caller === 'token') return app.request({ method: route.method, url, body, headers: { ...headers, authorization: `Bearer ${aliceToken.token}` } });
    if (!caller.cookies.has('on_session')) await logIn(caller, fixture.users.alice); // a logout route logged her out
    const withCsrf = body === undefined ? body : isApi ? body : `${body}&csrf=${caller.csrf}`;
    return caller.request({ method: route.method, url, body: withCsrf, headers: { ...headers, 'x-csrf-token': caller.csrf ?? '' } });
  };

  for (const route of routes) {
    const values = paramNames(route).length === 0 ? [''] : idsOfB;
    for (const value of values) {
      const url = fill(route, value);
      const where = `${route.method} ${url} (${route.access})`;

      // A page may echo its own address (the language link does); that is the caller's input, not B's data.
      const notInUrl = (secret: string) => !value.includes(secret);
      const anonymous = await send('nobody', route, url);
      for (const secret of findingSecretsOfB.filter(notInUrl)) assert.ok(!anonymous.text().includes(secret), `${where} as nobody shows "${secret}"`);
      if (route.access !== 'public') {
        assert.ok([303, 401].includes(anonymous.status), `${where} as nobody → ${anonymous.status}`);
        if (anonymous.status === 303) assert.match(anonymous.headers.location!, /^\/login\?next=|^\/login$/);
      }

      for (const caller of [aliceBrowser, 'token'] as const) {
        const response = await send(caller, route, url);
        const who = `${where} as ISP A (${caller === 'token' ? 'token' : 'session'})`;
        const secrets = route.access === 'public' ? findingSecretsOfB : secretsOfB;
        for (const secret of secrets.filter(notInUrl)) assert.ok(!response.text().includes(secret), `${who} shows "${secret}"`);
        // A token is no credential on a public form, which then wants its CSRF token like anyone's post.
        const csrfRefusal = caller === 'token' && route.access === 'public' && route.method === 'POST';
        if (!csrfRefusal) assert.notEqual(response.status, 403, `${who} → 403 confirms the id exists`);
        // Tokens reach the API only: any other page that needs a login does not exist for one.
        if (caller === 'token' && route.access !== 'public' && !tokenMayCall(route)) assert.equal(response.status, 404, `${who}: a token off the API`);
        if (route.access === 'operator') assert.equal(response.status, 404, `${who} on an operator route`);
        if (route.access === 'isp' && value !== '' && !idsOfA.has(value)) assert.equal(response.status, 404, `${who} with B's id`);
      }
      checked.push(where);
    }
  }

  // Nothing of B changed: no feedback on B's findings, B's token still works.
  assert.deepEqual(await store.listFeedback({ ispId: 'isp-b' }), []);
  for (const id of fixture.findings.b) assert.deepEqual(await store.listFeedback({ findingId: id }), []);
  assert.equal((await store.listApiTokens({ userId: bob.id }))[0]!.revokedAt, undefined);
  assert.equal((await app.request({ url: '/api/v1/reports', headers: { authorization: `Bearer ${bobToken.token}` } })).status, 200);
  assert.ok(checked.length >= routes.length);
});

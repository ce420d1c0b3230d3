// API tokens reach the API only. A token that could open the portal's token page could mint
// a successor before it is revoked and so outlive its revocation; a token on any page that
// needs a login finds nothing there (404), and public pages treat it as no credential.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { issueApiToken, tokenMayCall } from './auth/tokens.ts';
import { buildTestApp, createBrowser, createFixture, logIn } from '../../test/support/server-fixture.ts';

async function withAliceToken() {
  const fixture = await createFixture();
  const app = buildTestApp(fixture);
  const alice = (await fixture.store.findWebUser(fixture.users.alice))!;
  const issued = await issueApiToken(fixture.store, alice.id, 'automation', fixture.clock.now);
  return { fixture, app, alice, issued, bearer: { authorization: `Bearer ${issued.token}` } };
}

test('a token cannot create or revoke tokens, nor read the token page', async () => {
  const { fixture, app, alice, issued, bearer } = await withAliceToken();
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const created = await app.request({ method: 'POST', url: '/portal/tokens', body: 'label=successor', headers: { ...bearer, ...form } });
  assert.equal(created.status, 404);
  assert.doesNotMatch(created.text(), /on_[A-Za-z0-9_-]{43}/, 'no new secret in the answer');
  assert.equal((await fixture.store.listApiTokens({ userId: alice.id })).length, 1, 'no token was made');

  const revoke = await app.request({ method: 'POST', url: `/portal/tokens/${issued.id}/revoke`, body: '', headers: { ...bearer, ...form } });
  assert.equal(revoke.status, 404);
  assert.equal((await fixture.store.listApiTokens({ userId: alice.id }))[0]?.revokedAt, undefined);

  const page = await app.request({ url: '/portal/tokens', headers: bearer });
  assert.equal(page.status, 404);
  assert.doesNotMatch(page.text(), /automation/);
  // The same token still works where it belongs.
  assert.equal((await app.request({ url: '/api/v1/findings', headers: bearer })).status, 200);
});

test('a token on any page needing a login gets 404; the API routes accept it; public pages ignore it', async () => {
  const { fixture, app, bearer } = await withAliceToken();
  const operator = (await fixture.store.findWebUser(fixture.users.operator))!;
  const operatorBearer = { authorization: `Bearer ${(await issueApiToken(fixture.store, operator.id, 'ops', fixture.clock.now)).token}` };
  const pages = app.routes.filter((route) => route.access !== 'public' && !tokenMayCall(route));
  assert.ok(pages.some((route) => route.path === '/portal/findings') && pages.some((route) => route.path === '/dashboard'));
  for (const route of pages) {
    const url = route.path.replace(/:[a-zA-Z]+/g, '1');
    const headers = route.access === 'operator' ? operatorBearer : bearer;
    const response = await app.request({ method: route.method, url, headers, ...(route.method === 'POST' ? { body: '' } : {}) });
    assert.equal(response.status, 404, `${route.method} ${url} with a token`);
  }
  assert.equal((await app.request({ url: '/api/v1/dashboard/summary', headers: operatorBearer })).status, 200);

  // A public page shows no account to a token, and a token no longer excuses a form post from its CSRF token.
  const about = await app.request({ url: '/', headers: bearer });
  assert.equal(about.status, 200);
  assert.doesNotMatch(about.text(), new RegExp(fixture.users.alice.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  const optOut = await app.request({
    method: 'POST',
    url: '/opt-out',
    body: 'cidrs=133.0.0.0%2F24&contact=noc%40example.net',
    headers: { ...bearer, 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(optOut.status, 403);
  assert.deepEqual(await fixture.store.listOptOutRequests({}), []);
});

test('a browser session still manages tokens', async () => {
  const { fixture, app } = await withAliceToken();
  const browser = createBrowser(app);
  await logIn(browser, fixture.users.alice);
  await browser.request({ url: '/portal/tokens' });
  assert.equal((await browser.post('/portal/tokens', { label: 'second' })).status, 201);
});

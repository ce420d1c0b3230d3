// What a visitor types into the address bar must stay a path of this site: `//dashboard` is
// not a host name, `/%5Cevil.example` does not become a link to another host, and a login's
// `next` with any character still ends in a sendable redirect. Pages with a form's CSRF token
// are never cached, whether or not the CSRF cookie was set on that answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { safeNext } from './auth/routes.ts';
import { listen } from './listen.ts';
import { buildTestApp, createBrowser, createFixture, logIn, testPassword } from '../../test/support/server-fixture.ts';

const links = (page: string) => [...page.matchAll(/href="([^"]*)"/g)].map((match) => match[1]!);

test('//dashboard is a path with an empty segment, not a host: 404, never another page', async () => {
  const fixture = await createFixture();
  const app = buildTestApp(fixture);
  const operator = createBrowser(app);
  await logIn(operator, fixture.users.operator);
  for (const url of ['//dashboard', '//dashboard?lang=en', '//evil.example/portal']) {
    const response = await operator.request({ url });
    assert.equal(response.status, 404, url);
    assert.ok(
      links(response.text()).every((href) => !href.startsWith('//')),
      `${url}: no link to another host`,
    );
  }
  assert.equal((await operator.request({ url: '/dashboard' })).status, 200);
});

test("the language link never copies the path: /%5Cevil.example's 404 links to ?lang=ja", async () => {
  const fixture = await createFixture();
  const app = buildTestApp(fixture);
  for (const url of ['/%5Cevil.example', '/%5C%5Cevil.example/x', '/a%5C/b?kind=x']) {
    const response = await app.request({ url, headers: { 'accept-language': 'en' } });
    assert.equal(response.status, 404, url);
    const language = /<a class="language" hreflang="ja" href="([^"]*)"/.exec(response.text())?.[1];
    assert.ok(language?.startsWith('?') && language.endsWith('lang=ja'), `${url}: ${language}`);
    assert.ok(
      links(response.text()).every((href) => !href.includes('\\') && !href.startsWith('//')),
      url,
    );
  }
  // Other query parameters are kept, so a filtered list keeps its filter in the other language.
  const filtered = await app.request({ url: '/statistics?x=1&lang=en' });
  assert.match(filtered.text(), /hreflang="ja" href="\?x=1&amp;lang=ja"/);
});

test('a login next outside Latin-1 is answered over a real socket, with a percent-encoded Location', async () => {
  const fixture = await createFixture();
  const server = await listen(buildTestApp(fixture), { port: 0 });
  try {
    for (const [next, expected] of [
      ['/%C4%80/x', '/%C4%80/x'],
      ['/%C3%A9t%C3%A9?q=%C3%BC', '/%C3%A9t%C3%A9?q=%C3%BC'],
    ] as const) {
      const form = await fetch(`${server.url}/login?next=${encodeURIComponent(decodeURIComponent(next))}`);
      const csrfCookie = form.headers
        .getSetCookie()
        .find((line) => line.startsWith('on_csrf='))!
        .split(';')[0]!;
      const page = await form.text();
      const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
      const typed = /name="next" value="([^"]+)"/.exec(page)![1]!;
      const login = await fetch(`${server.url}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie, origin: server.url },
        body: new URLSearchParams({ name: fixture.users.operator, password: testPassword, csrf, next: typed }),
      });
      assert.equal(login.status, 303, next);
      assert.equal(login.headers.get('location'), expected);
      assert.ok(login.headers.getSetCookie().some((line) => line.startsWith('on_session=')));
    }
  } finally {
    await server.close();
  }
});

test('a next that would leave the site, or land on the login pages, is dropped; others come back percent-encoded', () => {
  for (const next of ['//evil.example/', '/.//evil.example', '/\\evil.example', '/x\u0000', 'https://evil.example/', '/login?next=/x', '/./logout'])
    assert.equal(safeNext(next), undefined, next);
  assert.equal(safeNext('/Ā/x?q=ü'), '/%C4%80/x?q=%C3%BC');
  assert.equal(safeNext('/portal/findings?kind=infected'), '/portal/findings?kind=infected');
});

test('the login and opt-out forms are no-store also when the CSRF cookie already exists', async () => {
  const fixture = await createFixture();
  const visitor = createBrowser(buildTestApp(fixture));
  for (const url of ['/login', '/opt-out', '/login', '/opt-out']) {
    const response = await visitor.request({ url });
    assert.equal(response.status, 200);
    assert.equal(response.headers['cache-control'], 'no-store', `${url} with cookie ${visitor.cookies.has('on_csrf')}`);
  }
  assert.equal(
    (await visitor.request({ url: '/login' })).setCookies.some((line) => line.startsWith('on_csrf=')),
    false,
    'the second visit sets no cookie, so the header comes from the form',
  );
});

test('behind a proxy, only an address in X-Forwarded-For counts; other text is the proxy itself', async () => {
  const fixture = await createFixture();
  const app = buildTestApp(fixture, { trustProxy: true });
  const attacker = createBrowser(app);
  // Each made-up "address" used to get its own lock-out budget; now they all are 127.0.0.1.
  for (let attempt = 0; attempt < 20; attempt++) await logIn(attacker, `user-${attempt}`, 'wrong');
  const names = ['not-an-ip', 'x', '999.1.1.1', '198.51.100.7:443'];
  for (const forwarded of names) {
    await attacker.request({ url: '/login', headers: { 'x-forwarded-for': forwarded } });
    const body = new URLSearchParams({ name: fixture.users.bob, password: testPassword, csrf: attacker.csrf ?? '' }).toString();
    const response = await attacker.request({
      method: 'POST',
      url: '/login',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': forwarded },
    });
    assert.equal(response.status, 401, `"${forwarded}" is not a fresh address`);
  }
  const real = createBrowser(app);
  await real.request({ url: '/login', headers: { 'x-forwarded-for': '198.51.100.7' } });
  const body = new URLSearchParams({ name: fixture.users.bob, password: testPassword, csrf: real.csrf ?? '' }).toString();
  const fromAddress = await real.request({
    method: 'POST',
    url: '/login',
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '203.0.113.5, 198.51.100.7' },
  });
  assert.equal(fromAddress.status, 303, 'a real forwarded address has its own budget');
});

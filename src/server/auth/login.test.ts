import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, createBrowser, createFixture, logIn, testPassword } from '../../../test/support/server-fixture.ts';

const minutes = (clock: { now: Date }, count: number) => {
  clock.now = new Date(clock.now.getTime() + count * 60_000);
};
const failureText = (body: string) => /<p class="error" role="alert">([^<]*)<\/p>/.exec(body)?.[1];

test('a good login starts a new HttpOnly SameSite session and lands on the role home (or next)', async () => {
  const fixture = await createFixture();
  const browser = createBrowser(buildTestApp(fixture));
  const response = await logIn(browser, fixture.users.alice);
  assert.equal(response.status, 303);
  assert.equal(response.headers.location, '/portal');
  const cookie = response.setCookies.find((line) => line.startsWith('on_session='))!;
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Lax/);
  assert.doesNotMatch(cookie, /Secure/);
  assert.equal((await browser.request({ url: '/portal' })).status, 200);

  // The stored session is the hash of the cookie value, never the value itself.
  const value = cookie.split(';')[0]!.split('=')[1]!;
  assert.equal(await fixture.store.findWebSession(value), undefined);

  const second = createBrowser(buildTestApp(fixture));
  await second.request({ url: '/login?next=/portal/findings' });
  const withNext = await second.post('/login', { name: fixture.users.alice, password: testPassword, next: '/portal/findings' });
  assert.equal(withNext.headers.location, '/portal/findings');
  const third = createBrowser(buildTestApp(fixture));
  await third.request({ url: '/login' });
  assert.equal((await third.post('/login', { name: fixture.users.operator, password: testPassword, next: '//evil.example/' })).headers.location, '/dashboard');
});

test('logging in again replaces the session: the earlier cookie stops working', async () => {
  const fixture = await createFixture();
  const app = buildTestApp(fixture);
  const browser = createBrowser(app);
  await logIn(browser, fixture.users.alice);
  const before = browser.cookies.get('on_session')!;
  await logIn(browser, fixture.users.alice);
  const after = browser.cookies.get('on_session')!;
  assert.notEqual(before, after);
  const stale = await app.request({ url: '/portal', headers: { cookie: `on_session=${before}` } });
  assert.equal(stale.status, 303);
});

test('failures look the same whether the user exists or not', async () => {
  const fixture = await createFixture();
  const browser = createBrowser(buildTestApp(fixture));
  const wrongPassword = await logIn(browser, fixture.users.alice, 'not the password');
  const unknownUser = await logIn(browser, 'nobody@nowhere', 'not the password');
  assert.equal(wrongPassword.status, 401);
  assert.equal(unknownUser.status, 401);
  assert.ok(failureText(wrongPassword.text()));
  assert.equal(failureText(wrongPassword.text()), failureText(unknownUser.text()));
  assert.equal(
    wrongPassword.setCookies.some((line) => line.startsWith('on_session=')),
    false,
  );
});

test('5 failures from an address stop it trying the name for 15 minutes, even with the right password; then it works again', async () => {
  const fixture = await createFixture();
  const browser = createBrowser(buildTestApp(fixture));
  for (let attempt = 0; attempt < 5; attempt++) assert.equal((await logIn(browser, fixture.users.alice, `guess-${attempt}`)).status, 401);
  const locked = await logIn(browser, fixture.users.alice);
  assert.equal(locked.status, 401, 'locked: the right password is refused too');
  minutes(fixture.clock, 14);
  assert.equal((await logIn(browser, fixture.users.alice)).status, 401, 'still locked after 14 minutes');
  minutes(fixture.clock, 2);
  assert.equal((await logIn(browser, fixture.users.alice)).status, 303, 'unlocked after 15 minutes');
  // Another user was never affected.
  assert.equal((await logIn(createBrowser(buildTestApp(fixture)), fixture.users.bob)).status, 303);
});

test('a success resets the count; failures spread over more than 15 minutes do not lock', async () => {
  const fixture = await createFixture();
  const browser = createBrowser(buildTestApp(fixture));
  for (let attempt = 0; attempt < 4; attempt++) await logIn(browser, fixture.users.alice, 'wrong');
  assert.equal((await logIn(browser, fixture.users.alice)).status, 303);
  for (let attempt = 0; attempt < 4; attempt++) await logIn(browser, fixture.users.alice, 'wrong');
  minutes(fixture.clock, 16);
  await logIn(browser, fixture.users.alice, 'wrong');
  assert.equal((await logIn(browser, fixture.users.alice)).status, 303);
});

test('users unlock clears a lock at once (store level)', async () => {
  const fixture = await createFixture();
  const browser = createBrowser(buildTestApp(fixture));
  for (let attempt = 0; attempt < 5; attempt++) await logIn(browser, fixture.users.alice, 'wrong');
  assert.equal((await logIn(browser, fixture.users.alice)).status, 401);
  await fixture.store.clearLoginFailures(fixture.users.alice);
  assert.equal((await logIn(browser, fixture.users.alice)).status, 303);
});

test('one address failing for many names is locked, other addresses are not', async () => {
  const fixture = await createFixture();
  const app = buildTestApp(fixture);
  const attacker = createBrowser(app);
  for (let attempt = 0; attempt < 20; attempt++) await logIn(attacker, `user-${attempt}`, 'wrong', '203.0.113.9');
  assert.equal((await logIn(attacker, fixture.users.bob, testPassword, '203.0.113.9')).status, 401);
  assert.equal((await logIn(createBrowser(app), fixture.users.bob, testPassword, '203.0.113.10')).status, 303);
});

test('an outsider cannot lock the real user out: failures stop only the address they come from', async () => {
  const fixture = await createFixture();
  const app = buildTestApp(fixture);
  const attacker = createBrowser(app);
  // Five wrong passwords from each of five addresses: the name used to be locked for everyone.
  for (let host = 1; host <= 5; host++)
    for (let attempt = 0; attempt < 5; attempt++) await logIn(attacker, fixture.users.operator, `guess-${attempt}`, `203.0.113.${host}`);
  assert.equal((await logIn(attacker, fixture.users.operator, testPassword, '203.0.113.1')).status, 401, 'the guessing address is stopped');
  assert.equal((await logIn(createBrowser(app), fixture.users.operator, testPassword, '192.0.2.77')).status, 303, 'the real user is not');
  // An IPv6 guesser counts as its /64: a fresh address inside it gets no fresh budget, the next /64 does.
  for (let host = 1; host <= 5; host++) await logIn(attacker, fixture.users.alice, 'wrong', `2001:db8:1:2::${host}`);
  assert.equal((await logIn(attacker, fixture.users.alice, testPassword, '2001:db8:1:2:ffff::9')).status, 401);
  assert.equal((await logIn(createBrowser(app), fixture.users.alice, testPassword, '2001:db8:1:3::1')).status, 303);
});

test('100 failures from many addresses lock the name, except for the right password from an address it logged in from', async () => {
  const fixture = await createFixture();
  const app = buildTestApp(fixture);
  const user = fixture.users.operator;
  assert.equal((await logIn(createBrowser(app), user, testPassword, '192.0.2.50')).status, 303, 'the office address becomes known');
  const attacker = createBrowser(app);
  for (let host = 1; host <= 25; host++) for (let attempt = 0; attempt < 4; attempt++) await logIn(attacker, user, `guess-${attempt}`, `203.0.113.${host}`);
  assert.equal((await logIn(createBrowser(app), user, testPassword, '198.51.100.99')).status, 401, 'an address never used is refused');
  const office = createBrowser(app);
  assert.equal((await logIn(office, user, 'a wrong password', '192.0.2.50')).status, 401, 'a known address still needs the password');
  assert.equal((await logIn(office, user, testPassword, '192.0.2.50')).status, 303, 'the known address passes the lock');
});

test('sessions expire after 30 idle minutes, and after 12 hours however busy', async () => {
  const fixture = await createFixture();
  const browser = createBrowser(buildTestApp(fixture));
  await logIn(browser, fixture.users.alice);
  minutes(fixture.clock, 29);
  assert.equal((await browser.request({ url: '/portal' })).status, 200);
  minutes(fixture.clock, 31);
  const idle = await browser.request({ url: '/portal' });
  assert.equal(idle.status, 303);
  assert.equal(idle.headers.location, '/login?next=%2Fportal');
  assert.ok(
    idle.setCookies.some((line) => line.startsWith('on_session=;') && /Max-Age=0/.test(line)),
    'the dead cookie is cleared',
  );

  await logIn(browser, fixture.users.alice);
  for (let step = 0; step < 35; step++) {
    minutes(fixture.clock, 20);
    assert.equal((await browser.request({ url: '/portal' })).status, 200, `busy session alive at ${(step + 1) * 20} minutes`);
  }
  minutes(fixture.clock, 20); // 12 h 0 min in all
  minutes(fixture.clock, 1);
  assert.equal((await browser.request({ url: '/portal' })).status, 303);
});

test('logout needs the session CSRF token, deletes the session and clears the cookie', async () => {
  const fixture = await createFixture();
  const app = buildTestApp(fixture);
  const browser = createBrowser(app);
  await logIn(browser, fixture.users.alice);
  const cookie = browser.cookies.get('on_session')!;
  assert.equal((await browser.post('/logout', {}, { csrf: 'forged' })).status, 403);
  assert.equal((await browser.request({ url: '/portal' })).status, 200);
  const out = await browser.post('/logout', {});
  assert.equal(out.status, 303);
  assert.ok(out.setCookies.some((line) => line.startsWith('on_session=;')));
  assert.equal((await app.request({ url: '/portal', headers: { cookie: `on_session=${cookie}` } })).status, 303, 'the old cookie is dead on the server too');
});

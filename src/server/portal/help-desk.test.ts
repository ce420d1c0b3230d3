import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestApp, createBrowser, createFixture, hostileVendor, logIn, type Fixture } from '../../../test/support/server-fixture.ts';

async function session(fixture: Fixture, user: string) {
  const browser = createBrowser(buildTestApp(fixture));
  await logIn(browser, user);
  await browser.request({ url: '/portal/help-desk' });
  return browser;
}

/** The result section of a help-desk page, without the address and time asked (which differ by request). */
const resultOf = (page: string) =>
  /<section class="help-desk-result">[\s\S]*<\/section>/.exec(page)?.[0].replace(/<h2>[^<]*<code class="address">[^<]*<\/code>[^<]*<\/h2>/, '');

test('a lookup shows only the findings present at the time asked, the history, and the text to read', async () => {
  const fixture = await createFixture();
  const alice = await session(fixture, fixture.users.alice);
  // 192.0.2.12: a weak credential found 2025-02-01, closed 2025-02-10 (remediated).
  const during = await alice.post('/portal/help-desk', { address: '192.0.2.12', time: '2025-02-05T12:00' });
  assert.equal(during.status, 200);
  const page = during.text();
  assert.match(page, /<section class="current">[\s\S]*192\.0\.2\.12:23\/telnet[\s\S]*<\/section>/);
  assert.match(page, /2025-02-01 00:00 UTC – 2025-02-10 00:00 UTC/, 'the span it was present');
  assert.match(page, /<section class="read-aloud">[\s\S]*For your router:[\s\S]*remote administration/);
  assert.match(page, /<section class="address-history">[\s\S]*found[\s\S]*carried in report #\d+[\s\S]*no longer found \(closed\)/);
  assert.equal(during.headers['cache-control'], 'no-store');

  const after = (await alice.post('/portal/help-desk', { address: '192.0.2.12', time: '2025-02-20T12:00' })).text();
  assert.match(after, /<p class="none-current">Nothing was found at this address at that time\.<\/p>/);
  assert.doesNotMatch(after, /<section class="read-aloud">/, 'nothing to read to the subscriber of that time');
  assert.match(after, /<section class="other-times">[\s\S]*192\.0\.2\.12:23\/telnet/, 'the earlier finding is history, not current');

  const before = (await alice.post('/portal/help-desk', { address: '192.0.2.12', time: '2025-01-15T00:00' })).text();
  assert.match(before, /class="none-current"/);

  // An open finding is present from its first sighting on; "now" is the default time.
  const now = (await alice.post('/portal/help-desk', { address: '192.0.2.11', time: '' })).text();
  assert.match(now, /<section class="current">[\s\S]*192\.0\.2\.11 \(darknet\)/);
  assert.match(now, /<section class="read-kind" data-kind="infected">/);
});

test("the desk's language: Japanese texts, and a typed time read in Japan's time zone", async () => {
  const fixture = await createFixture();
  const alice = await session(fixture, fixture.users.alice);
  await alice.request({ url: '/portal/help-desk?lang=ja' });
  // 2025-02-10 08:00 in Japan is 2025-02-09 23:00 UTC: before the closing at 2025-02-10 00:00 UTC.
  const page = (await alice.post('/portal/help-desk', { address: '192.0.2.12', time: '2025-02-10T08:00' })).text();
  assert.match(page, /<html lang="ja">/);
  assert.match(page, /2025-02-09 23:00 UTC/);
  assert.match(page, /<section class="read-aloud"><h2>利用者に読み上げる文<\/h2>[\s\S]*ルーターの場合：/);
  const later = (await alice.post('/portal/help-desk', { address: '192.0.2.12', time: '2025-02-10T10:00' })).text();
  assert.match(later, /class="none-current"/);
});

test("another ISP's address reads exactly like an address where nothing was ever found", async () => {
  const fixture = await createFixture();
  const alice = await session(fixture, fixture.users.alice);
  const theirs = (await alice.post('/portal/help-desk', { address: '198.51.100.10', time: '' })).text();
  const nowhere = (await alice.post('/portal/help-desk', { address: '192.0.2.99', time: '' })).text();
  assert.match(theirs, /<p class="not-in-network">No finding of your network at this address/);
  assert.ok(resultOf(theirs));
  assert.equal(resultOf(theirs), resultOf(nowhere), 'no difference that would tell that the address has findings');
  assert.doesNotMatch(theirs, /Beta Devices|model-198/);
  const bob = await session(fixture, fixture.users.bob);
  assert.match(
    (await bob.post('/portal/help-desk', { address: '198.51.100.10', time: '' })).text(),
    /<section class="current">[\s\S]*198\.51\.100\.10:23\/telnet/,
  );
});

test('every lookup is logged with who, when, address, time asked and rows shown, and the operator sees the log', async () => {
  const fixture = await createFixture();
  const alice = await session(fixture, fixture.users.alice);
  await alice.post('/portal/help-desk', { address: '192.0.2.12', time: '2025-02-05T12:00' });
  await alice.post('/portal/help-desk', { address: '198.51.100.10', time: '' });
  await alice.post('/portal/help-desk', { address: '2001:DB8:0:0::7', time: '2025-02-05T12:00:00+09:00' });
  assert.equal((await alice.post('/portal/help-desk', { address: 'not-an-address', time: '' })).status, 400);
  assert.equal((await alice.post('/portal/help-desk', { address: '192.0.2.12', time: '2999-01-01T00:00' })).status, 400);
  assert.equal((await alice.post('/portal/help-desk', { address: '192.0.2.12', time: '' }, { csrf: null })).status, 403, 'the core checks the CSRF token');
  const log = await fixture.store.listHelpDeskLookups({ limit: 10 });
  assert.deepEqual(
    log.map((row) => [row.userName, row.ispId, row.ip, row.askedTime, row.rowsShown, row.rowsPresent, row.at]),
    [
      ['alice@a', 'isp-a', '2001:db8::7', '2025-02-05T03:00:00.000Z', 0, 0, '2025-03-01T09:00:00.000Z'],
      ['alice@a', 'isp-a', '198.51.100.10', '2025-03-01T09:00:00.000Z', 0, 0, '2025-03-01T09:00:00.000Z'],
      ['alice@a', 'isp-a', '192.0.2.12', '2025-02-05T12:00:00.000Z', 1, 1, '2025-03-01T09:00:00.000Z'],
    ],
  );
  const operator = createBrowser(buildTestApp(fixture));
  await logIn(operator, fixture.users.operator);
  const page = (await operator.request({ url: '/dashboard/help-desk-log' })).text();
  assert.equal(page.match(/<tr data-id="\d+">/g)?.length, 3);
  assert.match(page, /<td>alice@a<\/td><td>isp-a<\/td><td class="address">192\.0\.2\.12<\/td>/);
  assert.notEqual((await alice.request({ url: '/dashboard/help-desk-log' })).status, 200, 'an ISP user cannot read the log');
});

test('what devices said is escaped on the help-desk page', async () => {
  const fixture = await createFixture();
  const alice = await session(fixture, fixture.users.alice);
  const page = (await alice.post('/portal/help-desk', { address: '192.0.2.10', time: '' })).text();
  assert.ok(!page.includes(hostileVendor));
  assert.ok(page.includes('&lt;script&gt;alert(&quot;vendor&quot;)&lt;/script&gt;'));
  const hostileAddress = (await alice.post('/portal/help-desk', { address: '"><script>x</script>', time: '"><b>' })).text();
  assert.ok(!hostileAddress.includes('<script>x</script>'));
  assert.ok(!hostileAddress.includes('"><b>'));
});

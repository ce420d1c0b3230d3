import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findingKinds } from '../../core/finding-kinds.ts';
import { programStatistics } from '../../stats/program-stats.ts';
import { buildApp } from '../app.ts';
import { formatExclusionList } from '../../cli/commands/optouts.ts';
import { AddressSpace } from '../../scope/address-space.ts';
import { buildScope } from '../../scope/scope.ts';
import { approvedOptOutRanges } from '../../survey/policy.ts';
import { createDashboardFixture, operatorSession } from '../../../test/support/dashboard-fixture.ts';
import { createBrowser, testScryptCost } from '../../../test/support/server-fixture.ts';
import { createRateLimiter } from './rate-limit.ts';

async function setUp() {
  const fixture = await createDashboardFixture();
  const app = buildApp({ deps: fixture.deps, auth: { passwordCost: testScryptCost } });
  return { fixture, app };
}

test('the about page says who scans, from where, with which User-Agent, in English and Japanese', async () => {
  const { app } = await setUp();
  const english = await app.request({ url: '/?lang=en' });
  assert.equal(english.status, 200);
  for (const text of [
    'Test Operator Agency',
    'notice@program.example',
    '192.0.2.250',
    '192.0.2.251',
    'opennotice-survey (+https://notice.example/)',
    'href="/opt-out"',
    'href="/check"',
  ]) {
    assert.ok(english.text().includes(text), text);
  }
  const japanese = await app.request({ url: '/?lang=ja' });
  assert.match(japanese.text(), /この調査について/);
  assert.match(japanese.text(), /192\.0\.2\.250/);
});

test('public statistics show the monthly figures of `opennotice stats`, counts only', async () => {
  const { fixture, app } = await setUp();
  const response = await app.request({ url: '/statistics?lang=en' });
  assert.equal(response.status, 200);
  const page = response.text();
  const expected = programStatistics({
    findings: await fixture.store.listNotifiableFindings(),
    events: await fixture.store.listFindingEvents(),
    reports: await fixture.store.listReports(),
  });
  for (const month of expected.months) {
    const row = new RegExp(`<tr><td>${month.month}</td>((?:<td class="num">[^<]*</td>)+)</tr>`).exec(page);
    assert.ok(row, month.month);
    const cells = [...row[1]!.matchAll(/<td class="num">([^<]*)<\/td>/g)].map((cell) => Number(cell[1]!.replace(/,/g, '')));
    const total = Object.values(month.cumulative.found).reduce((a, b) => a + b, 0);
    assert.deepEqual(cells, [
      // A column per kind of the list of kinds, in its order (reflectors too, none found here).
      ...findingKinds.map((kind) => month.found[kind]),
      month.infectedPerDay.max,
      month.reports,
      month.findingsNotified,
      month.remediated,
      total,
      month.cumulative.findingsNotified,
      month.cumulative.remediated,
    ]);
  }
  for (const secret of ['192.0.2.1', '198.51.100.', 'Sakura', 'Hikari', 'kv-001']) assert.ok(!page.includes(secret), `no "${secret}" on the public page`);
  assert.match((await app.request({ url: '/statistics?lang=ja' })).text(), /月別/);
});

test('check my connection answers only about the connecting address, whatever the parameters say', async () => {
  const { app } = await setUp();
  const own = await app.request({ url: '/check?lang=en', remoteAddress: '198.51.100.1' });
  assert.equal(own.status, 200);
  assert.equal(own.headers['cache-control'], 'no-store');
  const page = own.text();
  assert.match(page, /<code class="address" id="your-address">198\.51\.100\.1<\/code>/);
  assert.match(page, /data-kind="infected"/);
  assert.doesNotMatch(page, /data-kind="weak-credential"/, 'the SSH finding was fixed (closed)');
  assert.match(page, /Disconnect it from the network, reset it to factory settings/);
  assert.match(page, /Velmora VR-2 \(router\)/);
  for (const detail of ['vm-001', 'ssh', 'darknet', 'daysSeen', '2026-01-11']) assert.ok(!page.includes(detail), `no "${detail}"`);

  // Another address with findings, asked about in every way a form or query could: ignored.
  for (const url of ['/check?ip=198.51.100.1', '/check?address=198.51.100.1', '/check?ip=192.0.2.1&remoteAddress=192.0.2.1']) {
    const other = await app.request({ url, remoteAddress: '203.0.113.9' });
    assert.equal(other.status, 200);
    const main = /<main>([\s\S]*)<\/main>/.exec(other.text())![1]!; // the header's language link repeats the query, as typed
    assert.match(main, /id="your-address">203\.0\.113\.9</);
    assert.match(main, /no open finding/);
    assert.doesNotMatch(main, /198\.51\.100\.1|192\.0\.2\.1\b|data-kind=/);
  }
  const posted = await app.request({
    method: 'POST',
    url: '/check',
    remoteAddress: '203.0.113.9',
    body: 'ip=198.51.100.1',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.ok(posted.status === 405 || posted.status === 403, `a form post is not a way in (got ${posted.status})`);
  assert.doesNotMatch(posted.text(), /198\.51\.100\.1/);

  const japanese = await app.request({ url: '/check?lang=ja', remoteAddress: '192.0.2.1' });
  assert.match(japanese.text(), /脆弱なID・パスワード/);
  assert.match(japanese.text(), /パスワードに変更してください/);
});

test('check my connection is rate-limited per address: 429 after 10 a minute', async () => {
  const { fixture, app } = await setUp();
  for (let index = 0; index < 10; index++) assert.equal((await app.request({ url: '/check', remoteAddress: '203.0.113.20' })).status, 200);
  const refused = await app.request({ url: '/check', remoteAddress: '203.0.113.20' });
  assert.equal(refused.status, 429);
  assert.ok(Number(refused.headers['retry-after']) >= 1);
  assert.equal((await app.request({ url: '/check', remoteAddress: '203.0.113.21' })).status, 200, 'other addresses are not affected');
  fixture.clock.now = new Date(fixture.clock.now.getTime() + 61_000);
  assert.equal((await app.request({ url: '/check', remoteAddress: '203.0.113.20' })).status, 200, 'a minute later it answers again');
});

test('the opt-out form validates, shows problems with the typed values escaped, and stores pending requests', async () => {
  const { fixture, app } = await setUp();
  const visitor = createBrowser(app);
  const form = await visitor.request({ url: '/opt-out?lang=en', remoteAddress: '203.0.113.30' });
  assert.equal(form.status, 200);
  assert.ok(visitor.csrf, 'the form carries a CSRF token');
  const bad = await visitor.post(
    '/opt-out',
    { cidrs: '198.51.100.7/24\n<script>alert(1)</script>\n', contact: 'not-an-address', reason: 'x' },
    { headers: {} },
  );
  assert.equal(bad.status, 400);
  const page = bad.text();
  assert.match(page, /Line 1: &quot;198\.51\.100\.7\/24&quot; is not an IPv4 or IPv6 range/);
  assert.match(page, /Line 2: &quot;&lt;script&gt;alert\(1\)&lt;\/script&gt;&quot;/);
  assert.match(page, /Give an e-mail address/);
  assert.doesNotMatch(page, /<script>alert/);
  assert.equal((await fixture.store.listOptOutRequests()).length, 0);

  const good = await visitor.post('/opt-out', { cidrs: '133.0.0.0/25\n 133.0.0.0/25 \n133.0.1.7', contact: 'noc@example.net', reason: 'our honeypots' });
  assert.equal(good.status, 200, good.text());
  const [stored] = await fixture.store.listOptOutRequests();
  assert.match(good.text(), new RegExp(`number ${stored!.id}\\b`));
  assert.deepEqual(stored!.cidrs, ['133.0.0.0/25', '133.0.1.7/32']);
  assert.equal(stored!.status, 'pending');
  assert.equal(stored!.contact, 'noc@example.net');
  assert.equal(stored!.requesterAddress, '127.0.0.1');
  const withoutToken = await visitor.post('/opt-out', { cidrs: '133.0.2.0/24', contact: 'a@b.example' }, { csrf: null });
  assert.equal(withoutToken.status, 403, 'anonymous forms are CSRF-checked too');
  const japanese = await visitor.request({ url: '/opt-out?lang=ja' });
  assert.match(japanese.text(), /調査の対象外にする/);
});

test('opt-out on the web: a visitor asks, the operator approves, the range is exported and excluded from surveys', async () => {
  const fixture = await createDashboardFixture();
  const { app, operator } = await operatorSession(fixture);
  const visitor = createBrowser(app);
  await visitor.request({ url: '/opt-out', remoteAddress: '203.0.113.50' });
  const sent = await visitor.request({
    method: 'POST',
    url: '/opt-out',
    remoteAddress: '203.0.113.50',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ cidrs: '133.0.113.0/24', contact: 'noc@example.net', reason: 'research network', csrf: visitor.csrf! }).toString(),
  });
  assert.equal(sent.status, 200);
  const [request] = await fixture.store.listOptOutRequests();
  assert.equal(request!.requesterAddress, '203.0.113.50');
  assert.deepEqual(await approvedOptOutRanges(fixture.store), [], 'pending requests exclude nothing yet');
  await operator.request({ url: '/dashboard/opt-outs' });
  assert.equal((await operator.post(`/dashboard/opt-outs/${request!.id}/approve`, {})).status, 303);
  assert.deepEqual(await approvedOptOutRanges(fixture.store), ['133.0.113.0/24']);
  assert.match(formatExclusionList(await fixture.store.listOptOutRequests({ status: 'approved' }), '2026-03-01T00:00:00Z'), /^133\.0\.113\.0\/24$/m);
  // Every survey's scope subtracts the approved ranges beside its own exclusions.
  const scope = buildScope({
    allow: ['192.0.2.0/24', '133.0.112.0/23'],
    exclude: ['192.0.2.0/24'],
    optOuts: await approvedOptOutRanges(fixture.store),
    blocklist: AddressSpace.empty(),
  });
  assert.deepEqual([scope.allows('192.0.2.9'), scope.allows('133.0.113.9'), scope.allows('133.0.112.9')], [false, false, true]);
});

test('opt-outs of special-purpose space are refused with the range named; very broad ones reach the operator flagged', async () => {
  const fixture = await createDashboardFixture();
  const { app, operator } = await operatorSession(fixture);
  const visitor = createBrowser(app);
  await visitor.request({ url: '/opt-out?lang=en' });
  for (const [cidr, special] of [
    ['0.0.0.0/0', '0.0.0.0/8'],
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['127.0.0.0/8', '127.0.0.0/8'],
    ['224.0.0.0/4', '224.0.0.0/4'],
    ['ff02::1', 'ff00::/8'],
  ] as const) {
    const refused = await visitor.post('/opt-out', { cidrs: `133.0.0.0/24\n${cidr}`, contact: 'noc@example.net' });
    assert.equal(refused.status, 400, cidr);
    assert.ok(refused.text().includes(`Line 2: ${cidr === 'ff02::1' ? 'ff02::1/128' : cidr} overlaps ${special}`), cidr);
  }
  assert.deepEqual(await fixture.store.listOptOutRequests(), [], 'nothing was queued');

  // Another address: the refused posts used up the first one's hourly budget.
  const owner = createBrowser(app);
  await owner.request({ url: '/opt-out', remoteAddress: '133.1.0.9' });
  const broad = await owner.request({
    method: 'POST',
    url: '/opt-out',
    remoteAddress: '133.1.0.9',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ cidrs: '133.0.0.0/8\n2400::/12\n133.1.0.0/16', contact: 'noc@example.net', csrf: owner.csrf! }).toString(),
  });
  assert.equal(broad.status, 200);
  const queue = (await operator.request({ url: '/dashboard/opt-outs?lang=en' })).text();
  const warnings = [...queue.matchAll(/<li><code>([^<]+)<\/code>(<ul class="warnings"[^>]*>.*?<\/ul>)?<\/li>/g)].map((match) => [
    match[1],
    /Very broad: a \/(\d+)/.exec(match[2] ?? '')?.[1],
  ]);
  assert.deepEqual(warnings, [
    ['133.0.0.0/8', '8'],
    ['2400::/12', '12'],
    ['133.1.0.0/16', undefined],
  ]);
});

test('opt-out posts are rate-limited per address', async () => {
  const { app } = await setUp();
  const visitor = createBrowser(app);
  await visitor.request({ url: '/opt-out', remoteAddress: '203.0.113.40' });
  const send = () =>
    visitor.request({
      method: 'POST',
      url: '/opt-out',
      remoteAddress: '203.0.113.40',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ cidrs: '133.0.0.0/24', contact: 'a@b.example', csrf: visitor.csrf! }).toString(),
    });
  for (let index = 0; index < 5; index++) assert.equal((await send()).status, 200);
  assert.equal((await send()).status, 429);
});

test('the rate limiter forgets the longest-idle addresses first and never holds more than it may', () => {
  let now = 0;
  const limiter = createRateLimiter({ limit: 2, windowMs: 1000, now: () => new Date(now), maxKeys: 3 });
  assert.equal(limiter.allow('a'), true);
  assert.equal(limiter.allow('a'), true);
  assert.equal(limiter.allow('a'), false);
  assert.equal(limiter.retryAfterSeconds('a'), 1);
  for (const key of ['b', 'c', 'd']) limiter.allow(key);
  assert.equal(limiter.allow('a'), true, "'a' was forgotten when the fourth address came");
  now = 5000;
  assert.equal(limiter.allow('b'), true);
  assert.equal(limiter.retryAfterSeconds('b'), 0);
});

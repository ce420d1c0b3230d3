// The gateway API in process on a real (SQLite) store: a policy holds the approved blocklist,
// signed, and only the calling ISP's open findings inside the networks asked for; a report is
// stored under the token's ISP and user. Another ISP's findings never reach a gateway.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { canonicalIndicators } from '../../blocklist/indicator-list.ts';
import { generateSigningKey, loadSigner, verifySignature } from '../../blocklist/signing.ts';
import { exportBlocklistVersion } from '../../blocklist/versions.ts';
import { parseGatewayPolicy } from '../../gateway/policy.ts';
import { approveIndicator } from '../../../test/support/approved-indicator.ts';
import { buildTestApp, createBrowser, createFixture, logIn } from '../../../test/support/server-fixture.ts';
import { issueApiToken } from '../auth/tokens.ts';
import { serverModules } from '../modules.ts';

async function setUp(options: { sign?: boolean } = {}) {
  const fixture = await createFixture();
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-gateway-api-'));
  const keys = options.sign ? generateSigningKey(join(directory, 'signing.key')) : undefined;
  const app = buildTestApp(fixture, {
    modules: serverModules({
      gateway: {
        ...(keys ? { signer: loadSigner(keys.privateKeyFile) } : {}),
        updatePath: [{ cidr: '203.0.113.0/24', port: 443, label: 'vendor firmware' }],
      },
    }),
  });
  await approveIndicator(fixture.store, '198.51.100.66', 4444, '2025-02-20T00:00:00.000Z');
  // Approved later but first in the canonical order: the policy's bytes must not follow approval order.
  await approveIndicator(fixture.store, '198.51.100.5', 4444, '2025-02-21T00:00:00.000Z');
  const tokenOf = async (name: string) => {
    const user = (await fixture.store.listWebUsers()).find((row) => row.name === name)!;
    return { authorization: `Bearer ${(await issueApiToken(fixture.store, user.id, 'gateway', fixture.clock.now)).token}` };
  };
  return { fixture, app, keys, directory, tokenOf, cleanUp: () => rmSync(directory, { recursive: true, force: true }) };
}

test("a policy: the signed blocklist, the ISP's open findings in the networks asked for, the update path", async () => {
  const { fixture, app, keys, directory, tokenOf, cleanUp } = await setUp({ sign: true });
  try {
    const alice = await tokenOf(fixture.users.alice);
    const response = await app.request({ url: '/api/v1/gateway/policy?network=192.0.2.0/24', headers: alice });
    assert.equal(response.status, 200);
    assert.equal(response.headers['cache-control'], 'no-store');
    const { policy, indicators } = parseGatewayPolicy(response.json());
    assert.deepEqual(
      indicators.map((indicator) => [indicator.value, indicator.port]),
      [
        ['198.51.100.5', 4444],
        ['198.51.100.66', 4444],
      ],
    );
    assert.ok(policy.blocklist.signature, 'signed when the server has a key');
    assert.equal(verifySignature(Buffer.from(policy.blocklist.indicatorsJson), policy.blocklist.signature, keys!.publicKeyFile), true);
    assert.deepEqual(
      policy.quarantine.map((device) => [device.ip, device.findings.map((finding) => finding.kind)]),
      [
        ['192.0.2.10', ['weak-credential']],
        ['192.0.2.11', ['infected']],
      ],
      'open findings only: the closed one at .12 releases its device',
    );
    assert.equal(policy.quarantine[0]!.findings[0]!.deviceType, 'router');
    assert.deepEqual(policy.updatePath, [{ cidr: '203.0.113.0/24', port: 443, label: 'vendor firmware' }]);
    assert.ok(!response.text().includes('secretOf'), 'no evidence leaves the server');

    const one = parseGatewayPolicy((await app.request({ url: '/api/v1/gateway/policy?network=192.0.2.11/32', headers: alice })).json()).policy;
    assert.deepEqual(
      one.quarantine.map((device) => device.ip),
      ['192.0.2.11'],
      'only inside the networks named',
    );
    // A network too large to look up address by address is scanned through the ISP's open findings: same answer.
    const wide = parseGatewayPolicy((await app.request({ url: '/api/v1/gateway/policy?network=192.0.0.0/16', headers: alice })).json()).policy;
    assert.deepEqual(
      wide.quarantine.map((device) => device.ip),
      ['192.0.2.10', '192.0.2.11'],
    );
    assert.equal(wide.blocklist.indicatorsJson, policy.blocklist.indicatorsJson);
    // The same bytes `blocklist export --from-store` writes as indicators.json, so one signature fits both.
    const exported = exportBlocklistVersion({
      indicators: canonicalIndicators(await fixture.store.listApprovedIndicators(), 'store'),
      outDirectory: join(directory, 'blocklists'),
      formats: ['csv'],
      rpz: { origin: 'rpz.opennotice', policy: { action: 'nxdomain' } },
      now: fixture.clock.now,
    });
    assert.equal(readFileSync(join(exported.directory, 'indicators.json'), 'utf8'), policy.blocklist.indicatorsJson);
  } finally {
    cleanUp();
  }
});

test("another ISP's findings never reach a gateway, whatever network it names; no token, no policy", async () => {
  const { fixture, app, tokenOf, cleanUp } = await setUp();
  try {
    const alice = await tokenOf(fixture.users.alice);
    const bobsNetwork = await app.request({ url: '/api/v1/gateway/policy?network=198.51.100.0/24', headers: alice });
    assert.equal(bobsNetwork.status, 200);
    assert.deepEqual(parseGatewayPolicy(bobsNetwork.json()).policy.quarantine, []);
    const bob = await tokenOf(fixture.users.bob);
    const own = parseGatewayPolicy((await app.request({ url: '/api/v1/gateway/policy?network=198.51.100.0/24', headers: bob })).json()).policy;
    assert.deepEqual(
      own.quarantine.map((device) => device.ip),
      ['198.51.100.10', '198.51.100.11'],
    );
    assert.equal((await app.request({ url: '/api/v1/gateway/policy?network=192.0.2.0/24' })).status, 401);
    assert.equal((await app.request({ url: '/api/v1/gateway/policy?network=192.0.2.0/24', headers: { authorization: 'Bearer on_nonsense' } })).status, 401);
    const noNetwork = await app.request({ url: '/api/v1/gateway/policy', headers: alice });
    assert.equal(noNetwork.status, 400);
    assert.match(noNetwork.text(), /network=CIDR/);
    assert.equal((await app.request({ url: '/api/v1/gateway/policy?network=192.0.2.1/24', headers: alice })).status, 400, 'host bits set');
  } finally {
    cleanUp();
  }
});

test('a report is stored under the token’s ISP and user; a malformed one is refused with the reason', async () => {
  const { fixture, app, tokenOf, cleanUp } = await setUp();
  try {
    const alice = await tokenOf(fixture.users.alice);
    const report = {
      gateway: 'office-1',
      windowStart: '2025-03-01T08:00:00.000Z',
      windowEnd: '2025-03-01T09:00:00.000Z',
      policyVersion: 'a'.repeat(64),
      blocked: [
        { indicator: '198.51.100.66/32 port 4444', packets: 3, bytes: 180 },
        { indicator: '198.51.100.67/32 udp port 6881', packets: 1, bytes: 31 },
      ],
      quarantined: [{ ip: '192.0.2.10', droppedPackets: 12, pagesServed: 1 }],
      ispId: 'isp-b',
    };
    const sent = await app.request({
      method: 'POST',
      url: '/api/v1/gateway/report',
      headers: { ...alice, 'content-type': 'application/json' },
      body: JSON.stringify(report),
    });
    assert.equal(sent.status, 201);
    const [stored] = await fixture.store.listGatewayReports({ limit: 5 });
    assert.equal(stored?.ispId, 'isp-a', 'the ISP is the token’s, never what the body claims');
    assert.equal(stored?.userName, fixture.users.alice);
    assert.equal(stored?.receivedAt, fixture.clock.now.toISOString());
    assert.deepEqual(stored?.blocked, report.blocked);
    assert.deepEqual(stored?.quarantined, report.quarantined);

    const bad = await app.request({
      method: 'POST',
      url: '/api/v1/gateway/report',
      headers: { ...alice, 'content-type': 'application/json' },
      body: JSON.stringify({ ...report, blocked: [{ indicator: '<script>', packets: 1, bytes: 1 }] }),
    });
    assert.equal(bad.status, 400);
    assert.match(bad.text(), /blocked\[\]\.indicator/);
    assert.equal((await fixture.store.listGatewayReports({ limit: 5 })).length, 1);
  } finally {
    cleanUp();
  }
});

test("the operator reads every report at /dashboard/gateways (ja and en), an ISP user cannot; each ISP reads its own gateways' reports at /portal/gateways", async () => {
  const { fixture, app, tokenOf, cleanUp } = await setUp();
  try {
    const alice = await tokenOf(fixture.users.alice);
    const body = {
      gateway: 'office-7',
      windowStart: '2025-03-01T08:00:00.000Z',
      windowEnd: '2025-03-01T09:00:00.000Z',
      policyVersion: 'none',
      blocked: [{ indicator: '198.51.100.66/32 port 4444', packets: 41, bytes: 2460 }],
      quarantined: [{ ip: '192.0.2.10', droppedPackets: 5, pagesServed: 2 }],
    };
    const sent = await app.request({
      method: 'POST',
      url: '/api/v1/gateway/report',
      headers: { ...alice, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(sent.status, 201);
    const operator = createBrowser(app);
    assert.equal((await logIn(operator, fixture.users.operator)).status, 303);
    const page = await operator.request({ url: '/dashboard/gateways' });
    assert.equal(page.status, 200);
    assert.match(page.text(), /isp-a \/ office-7/);
    assert.match(page.text(), /<td class="num">41<\/td>/);
    assert.match(page.text(), /198\.51\.100\.66\/32 port 4444<\/span> 41/);
    assert.match(page.text(), /<td class="num">2<\/td><\/tr>/, 'notice pages served');
    assert.match((await operator.request({ url: '/dashboard/gateways?lang=ja' })).text(), /セキュアゲートウェイの報告/);
    assert.match((await operator.request({ url: '/dashboard' })).text(), /href="\/dashboard\/gateways"/, 'linked from the dashboard');
    const isp = createBrowser(app);
    await logIn(isp, fixture.users.alice);
    assert.notEqual((await isp.request({ url: '/dashboard/gateways' })).status, 200);

    // Each ISP reads its own gateways' reports in its portal, and only those.
    const bob = await tokenOf(fixture.users.bob);
    const bobs = { ...body, gateway: 'branch-9', blocked: [{ indicator: '198.51.100.77/32', packets: 13, bytes: 780 }], quarantined: [] };
    const sentByBob = await app.request({
      method: 'POST',
      url: '/api/v1/gateway/report',
      headers: { ...bob, 'content-type': 'application/json' },
      body: JSON.stringify(bobs),
    });
    assert.equal(sentByBob.status, 201);
    const own = await isp.request({ url: '/portal/gateways' });
    assert.equal(own.status, 200);
    assert.match(own.text(), /<td>office-7<\/td>/);
    assert.match(own.text(), /198\.51\.100\.66\/32 port 4444<\/span> 41/);
    assert.match(own.text(), /<span class="address">192\.0\.2\.10<\/span>/, 'its quarantined device');
    assert.ok(!own.text().includes('branch-9') && !own.text().includes('198.51.100.77'), "another ISP's gateway is not shown");
    assert.match(own.text(), /href="\/portal\/gateways" aria-current="page"/, 'a portal tab');
    const bobBrowser = createBrowser(app);
    await logIn(bobBrowser, fixture.users.bob);
    const bobPage = (await bobBrowser.request({ url: '/portal/gateways?lang=ja' })).text();
    assert.match(bobPage, /<td>branch-9<\/td>/);
    assert.ok(!bobPage.includes('office-7'));
    assert.match(bobPage, /貴社のセキュアゲートウェイ/);
    assert.equal((await bobBrowser.request({ url: '/portal/gateways?before=1' })).text().includes('branch-9'), false, 'paged by id');
    assert.notEqual((await createBrowser(app).request({ url: '/portal/gateways' })).status, 200, 'not without a session');
  } finally {
    cleanUp();
  }
});

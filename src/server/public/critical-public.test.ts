/**
 * The critical-device path's promise on public pages: critical devices appear as counts per
 * sector, never with an address, maker, model or owner contact — while the operator's own
 * finding page shows the sector and the contact (escaped).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OwnerContact } from '../../core/records.ts';
import { renderAnnualMarkdown } from '../../stats/annual-report.ts';
import { programStatistics } from '../../stats/program-stats.ts';
import { buildApp } from '../app.ts';
import { createDashboardFixture, operatorSession, type DashboardFixture } from '../../../test/support/dashboard-fixture.ts';
import { testScryptCost } from '../../../test/support/server-fixture.ts';

const criticalIp = '192.0.2.77';
const contact: OwnerContact = {
  company: 'Hikari Solar Service <script>alert("owner")</script>',
  phone: '03-1234-5678',
  email: 'support@hikari-solar.example',
  source: { protocol: 'http', port: 80 },
};
/** Text that must never appear on a public page: the address, maker, model and every contact field. */
const secrets = [criticalIp, 'Contec', 'SolarView', 'Hikari Solar', '03-1234-5678', 'hikari-solar.example'];

async function withCriticalDevice(): Promise<{ fixture: DashboardFixture; findingId: number }> {
  const fixture = await createDashboardFixture();
  const at = '2026-02-20T00:00:00.000Z';
  const runId = await fixture.store.startRun({ startedAt: at, scope: ['192.0.2.0/24'], exclude: [], ports: [80], checks: ['credentials'] });
  await fixture.store.recordDevices(runId, [
    {
      ip: criticalIp,
      identity: {
        vendor: 'Contec',
        model: 'SolarView Compact',
        deviceType: 'critical',
        sector: 'solar',
        firmwareVersion: '6.00',
        releaseYear: 2015,
        confidence: 0.9,
        evidence: [{ ruleId: 'contec-solarview-body', protocol: 'http', port: 80, matched: 'SolarView Compact' }],
      },
      ownerContact: contact,
    },
  ]);
  await fixture.store.reconcileFindings(runId, {
    found: [{ kind: 'weak-credential', ip: criticalIp, port: 80, protocol: 'http', dictionaryEntryId: 'kv-001', evidence: {}, observedAt: at }],
    covered: [],
  });
  await fixture.store.finishRun(runId, { finishedAt: at, status: 'completed', counts: {} });
  const findingId = (await fixture.store.listFindings()).find((row) => row.ip === criticalIp)!.id;
  return { fixture, findingId };
}

test('public pages count critical devices per sector and show nothing that identifies one', async () => {
  const { fixture } = await withCriticalDevice();
  const app = buildApp({ deps: fixture.deps, auth: { passwordCost: testScryptCost } });
  const pages = new Map<string, string>();
  for (const url of ['/?lang=en', '/statistics?lang=en', '/statistics?lang=ja', '/opt-out?lang=en', '/check?lang=en']) {
    const response = await app.request({ url, remoteAddress: url.startsWith('/check') ? criticalIp : '203.0.113.9' });
    assert.equal(response.status, 200, url);
    pages.set(url, response.text());
  }
  for (const [url, page] of pages) {
    // The check page tells visitors their own address; everything else about the device stays out.
    const forbidden = url.startsWith('/check') ? secrets.filter((secret) => secret !== criticalIp) : secrets;
    for (const secret of forbidden) assert.equal(page.includes(secret), false, `${url} shows "${secret}"`);
  }

  const statistics = pages.get('/statistics?lang=en')!;
  assert.match(statistics, /Critical infrastructure sector \(counts only\)/);
  assert.match(statistics, /<tr><td>solar<\/td><td class="num">1<\/td>/, 'one open finding on a solar device');
  assert.match(pages.get('/check?lang=en')!, /\(critical\)/, 'the visitor learns the device is critical, not which one');
  assert.match(pages.get('/check?lang=en')!, /data-kind="weak-credential"/);
});

test('the published annual report counts critical devices per sector, without their maker or age', async () => {
  const { fixture } = await withCriticalDevice();
  const stats = programStatistics({
    findings: await fixture.store.listNotifiableFindings(),
    events: await fixture.store.listFindingEvents(),
    reports: await fixture.store.listReports(),
  });
  assert.deepEqual(stats.open.bySector, [{ key: 'solar', count: 1 }]);
  assert.ok(
    stats.open.byVendor.some((entry) => entry.key === 'Contec'),
    "the operator's own statistics keep the vendor",
  );
  const report = renderAnnualMarkdown(stats, '2026', 'Test programme');
  for (const secret of secrets) assert.equal(report.includes(secret), false, `annual report shows "${secret}"`);
  assert.match(report, /\| solar \| 1 \|/);
  assert.equal(report.includes('| 2015 |'), false, "the critical device's release year is left out");
});

test("the operator's finding page shows the sector and the owner contact, escaped", async () => {
  const { fixture, findingId } = await withCriticalDevice();
  const { operator } = await operatorSession(fixture);
  const response = await operator.request({ url: `/dashboard/findings/${findingId}?lang=en` });
  assert.equal(response.status, 200);
  const page = response.text();
  assert.match(page, /Critical sector<\/dt><dd>solar/);
  assert.match(page, /Hikari Solar Service &lt;script&gt;alert\(&quot;owner&quot;\)&lt;\/script&gt;/);
  assert.equal(page.includes('<script>alert("owner")'), false, 'never as markup');
  assert.match(page, /03-1234-5678/);
  assert.match(page, /support@hikari-solar\.example/);
});

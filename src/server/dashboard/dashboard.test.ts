import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NotifiableFinding } from '../../core/records.ts';
import { programStatistics } from '../../stats/program-stats.ts';
import { effectiveness } from '../../track/effectiveness.ts';
import type { DashboardFindingFilter } from '../../store/roles/dashboard-findings.ts';
import { createDashboardFixture, operatorSession, payloads, type DashboardFixture } from '../../../test/support/dashboard-fixture.ts';
import type { DashboardFigures } from './figures.ts';
import type { TestBrowser } from '../../../test/support/server-fixture.ts';

/** Every id the drill-down list gives for a filter, following its pages (2 a page, so paging is exercised). */
async function drillDownIds(operator: TestBrowser, filter: DashboardFindingFilter): Promise<number[]> {
  const ids: number[] = [];
  let before: number | undefined;
  for (let page = 0; page < 50; page++) {
    const query = new URLSearchParams({ ...(filter as Record<string, string>), limit: '2', ...(before !== undefined ? { before: String(before) } : {}) });
    const response = await operator.request({ url: `/api/v1/dashboard/findings?${query}` });
    assert.equal(response.status, 200, response.text());
    const body = response.json() as { findings: Array<{ id: number }>; next?: number };
    ids.push(...body.findings.map((finding) => finding.id));
    if (body.next === undefined) return ids.sort((a, b) => a - b);
    before = body.next;
  }
  throw new Error('drill-down did not end');
}

const idsWhere = (findings: NotifiableFinding[], keep: (finding: NotifiableFinding) => boolean) =>
  findings
    .filter(keep)
    .map((finding) => finding.id)
    .sort((a, b) => a - b);

async function setUp(): Promise<{ fixture: DashboardFixture; operator: TestBrowser; figures: DashboardFigures; all: NotifiableFinding[] }> {
  const fixture = await createDashboardFixture();
  const { operator } = await operatorSession(fixture);
  const summary = await operator.request({ url: '/api/v1/dashboard/summary' });
  assert.equal(summary.status, 200);
  return { fixture, operator, figures: summary.json() as DashboardFigures, all: await fixture.store.listNotifiableFindings() };
}

test('dashboard figures equal the figures computed independently from the same store', async () => {
  const { fixture, figures, all } = await setUp();
  const store = fixture.store;
  // programStatistics counts every finding in memory: a different code path from the SQL aggregates.
  const expected = programStatistics({ findings: all, events: await store.listFindingEvents(), reports: await store.listReports() });
  assert.deepEqual(figures.months, JSON.parse(JSON.stringify(expected.months)));
  assert.deepEqual(
    figures.months.map((month) => month.month),
    ['2026-01', '2026-02'],
  );
  assert.equal(figures.months[0]!.infectedPerDay.max, 2, 'two infected addresses on 2026-01-12');
  assert.equal(figures.months[1]!.remediated, 2);
  const pairs = (entries: Array<{ label?: string; key: string; count: number }>) =>
    entries.map((entry) => ({ key: entry.label ?? entry.key, count: entry.count }));
  assert.deepEqual(pairs(figures.open.byDeviceType), expected.open.byDeviceType);
  assert.deepEqual(pairs(figures.open.byVendor), expected.open.byVendor);
  assert.deepEqual(pairs(figures.open.byReleaseYear), expected.open.byReleaseYear);
  assert.deepEqual(pairs(figures.open.byIsp), expected.open.byIsp);
  assert.equal(figures.open.total, expected.open.total);

  // Per-ISP remediation: tracked findings rebuilt from reports and findings, then effectiveness().
  const closedAt = new Map((await store.listFindings()).filter((row) => row.status === 'closed').map((row) => [row.id, row.closedAt]));
  for (const ispId of ['sakura', 'hikari']) {
    const tracked = new Map<number, string>();
    for (const report of await store.listReports({ ispId })) {
      for (const findingId of await store.reportFindingIds(report.id))
        if (!tracked.has(findingId) || report.createdAt < tracked.get(findingId)!) tracked.set(findingId, report.createdAt);
    }
    const independent = effectiveness(
      [...tracked].map(([findingId, startAt]) => ({ findingId, startAt, ...(closedAt.get(findingId) ? { remediatedAt: closedAt.get(findingId)! } : {}) })),
      { asOf: fixture.clock.now.toISOString() },
    );
    const row = figures.remediation.find((entry) => entry.key === ispId)!;
    assert.deepEqual(row.tracked, independent, ispId);
  }
  assert.equal(figures.remediation.find((row) => row.key === 'sakura')!.tracked.remediated, 1);
  assert.equal(figures.remediation.at(-1)!.key, 'all');
  assert.equal(figures.remediation.at(-1)!.tracked.findings, 6);

  // Darknet: the day window where stored, else the day's hours; top ports summed over those.
  assert.deepEqual(
    figures.darknet.byDay.map((day) => [day.day, day.packets]),
    [
      ['2026-01-11', 1000],
      ['2026-01-12', 150],
    ],
  );
  assert.deepEqual(figures.darknet.topPorts.slice(0, 3), [
    { port: 23, packets: 680 },
    { port: 2323, packets: 300 },
    { port: 80, packets: 40 },
  ]);
  assert.equal(figures.totals.deliveredReports, 1);
  assert.equal(figures.totals.reports, 2, 'vendor reports are not ISP notifications');
});

test('the dashboard page shows each monthly figure as a table cell linking to its findings, in English and Japanese', async () => {
  const { operator, figures } = await setUp();
  const english = await operator.request({ url: '/dashboard?lang=en' });
  assert.equal(english.status, 200);
  const page = english.text();
  for (const month of figures.months) {
    for (const kind of figures.kinds) {
      assert.ok(page.includes(`href="/dashboard/findings?kind=${kind}&amp;month=${month.month}">${month.found[kind]}</a>`), `${month.month} ${kind}`);
    }
  }
  assert.match(page, /<script src="\/assets\/echarts\.min\.js" defer><\/script>/);
  assert.match(page, /<script src="\/assets\/dashboard\.js" defer><\/script>/);
  assert.match(page, /data-chart="monthly-data"/);
  assert.match(page, /Sakura Net/);
  assert.match(page, /Operator dashboard/);
  const japanese = await operator.request({ url: '/dashboard?lang=ja' });
  assert.match(japanese.text(), /運用ダッシュボード/);
  assert.match(japanese.text(), /脆弱なID・パスワード/);
});

test('drill-down returns exactly the findings behind a figure, page by page', async () => {
  const { operator, figures, all } = await setUp();
  for (const month of figures.months) {
    for (const kind of figures.kinds) {
      const expected = idsWhere(all, (finding) => finding.kind === kind && finding.firstSeen.startsWith(month.month));
      assert.equal(expected.length, month.found[kind], `${month.month} ${kind}`);
      assert.deepEqual(await drillDownIds(operator, { kind, month: month.month }), expected);
    }
  }
  for (const vendor of figures.open.byVendor) {
    for (const kind of figures.kinds) {
      const expected = idsWhere(all, (finding) => finding.status === 'open' && finding.kind === kind && (finding.vendor ?? 'unidentified') === vendor.key);
      assert.equal(expected.length, vendor.byKind[kind]);
      assert.deepEqual(await drillDownIds(operator, { vendor: vendor.key, kind, status: 'open' }), expected);
    }
  }
  for (const year of figures.open.byReleaseYear) {
    assert.deepEqual(
      await drillDownIds(operator, { releaseYear: year.key, status: 'open' }),
      idsWhere(all, (finding) => finding.status === 'open' && String(finding.releaseYear ?? 'unknown') === year.key),
    );
  }
  for (const row of figures.remediation.filter((entry) => entry.key !== 'all')) {
    for (const status of ['open', 'closed'] as const) {
      const expected = idsWhere(all, (finding) => finding.attribution.ispId === row.key && finding.status === status);
      assert.equal(expected.length, row[status]);
      assert.deepEqual(await drillDownIds(operator, { isp: row.key, status }), expected);
    }
  }
  assert.deepEqual(
    await drillDownIds(operator, { isp: 'unattributed' }),
    idsWhere(all, (finding) => finding.attribution.ispId === undefined),
  );
  assert.deepEqual(
    await drillDownIds(operator, { deviceType: 'unidentified' }),
    idsWhere(all, (finding) => finding.deviceType === undefined),
  );
  const closedInFebruary = await drillDownIds(operator, { status: 'closed', closedMonth: '2026-02' });
  assert.equal(closedInFebruary.length, figures.months[1]!.remediated);
  const html = await operator.request({ url: '/dashboard/findings?kind=infected&month=2026-01' });
  assert.equal(html.status, 200);
  assert.equal((html.text().match(/href="\/dashboard\/findings\/\d+"/g) ?? []).length, 3);
  assert.equal((await operator.request({ url: '/dashboard/findings?month=2026-13' })).status, 400);
  assert.equal((await operator.request({ url: '/dashboard/findings?status=maybe' })).status, 400);
});

test('a finding page shows its history: seen, notified and delivered, feedback, closed by a re-survey', async () => {
  const { fixture, operator } = await setUp();
  const id = fixture.ids['weak-credential 192.0.2.2:23']!;
  const response = await operator.request({ url: `/dashboard/findings/${id}?lang=en` });
  assert.equal(response.status, 200);
  const page = response.text();
  const order = [
    '2026-01-10 01:00 UTC',
    'Found (opened)',
    `Report ${fixture.ids.sakuraReport}`,
    'smtp → abuse@sakura.example: delivered 2026-01-15 00:05 UTC',
    'ISP feedback: subscriber contacted',
    '2026-02-05 00:00 UTC',
    'Closed: a re-survey no longer found it',
  ];
  let position = 0;
  for (const text of order) {
    const found = page.indexOf(text, position);
    assert.ok(found >= 0, `"${text}" after position ${position}`);
    position = found;
  }
  assert.match(page, /&lt;b&gt;called&lt;\/b&gt; the subscriber/, 'feedback notes are text');
  assert.match(page, /kv-002/, 'the dictionary entry id, never a password');
  assert.equal((await operator.request({ url: '/dashboard/findings/999999' })).status, 404);
  assert.equal((await operator.request({ url: '/dashboard/findings/abc' })).status, 404);
});

test('device strings with script payloads render as text on every dashboard page', async () => {
  const { fixture, operator } = await setUp();
  const pages = [
    `/dashboard/findings/${fixture.ids['vulnerable-firmware 192.0.2.4:80']}`,
    `/dashboard/findings/${fixture.ids['weak-credential 192.0.2.1:23']}`,
    `/dashboard/findings/${fixture.ids['no-authentication 192.0.2.3:80']}`,
    `/dashboard/findings?vendor=${encodeURIComponent(payloads.vendor)}`,
    '/dashboard',
    '/statistics',
  ];
  for (const url of pages) {
    const response = await operator.request({ url });
    assert.equal(response.status, 200, url);
    const page = response.text();
    const scripts = page.match(/<script[^>]*>/g) ?? [];
    for (const tag of scripts) assert.match(tag, /^<script (src="\/assets\/[a-z.]+\.js" defer|type="application\/json" id="[a-z0-9-]+")>$/, `${url}: ${tag}`);
    assert.doesNotMatch(page, /<img|<svg|<iframe/i, url);
    for (const json of page.matchAll(/<script type="application\/json"[^>]*>([\s\S]*?)<\/script>/g))
      assert.doesNotMatch(json[1]!, /</, `${url}: chart data never carries "<"`);
  }
  const detail = (await operator.request({ url: `/dashboard/findings/${fixture.ids['vulnerable-firmware 192.0.2.4:80']}` })).text();
  assert.ok(detail.includes('&lt;script&gt;window.__xss=1&lt;/script&gt;'), 'the vendor is shown, escaped');
  assert.ok(detail.includes('&lt;svg onload=window.__xss=4&gt;'), 'the grab result is shown, escaped');
});

test('the operator approves and rejects opt-out requests from the queue', async () => {
  const { fixture, operator } = await setUp();
  const first = await fixture.store.createOptOutRequest({
    cidrs: ['198.51.100.0/25'],
    contact: 'noc@example.net',
    reason: '<script>x</script>',
    requestedAt: '2026-02-20T00:00:00.000Z',
    requesterAddress: '203.0.113.5',
  });
  const second = await fixture.store.createOptOutRequest({
    cidrs: ['192.0.2.128/25'],
    contact: 'other@example.net',
    reason: '',
    requestedAt: '2026-02-21T00:00:00.000Z',
    requesterAddress: '203.0.113.6',
  });
  const queue = await operator.request({ url: '/dashboard/opt-outs' });
  assert.equal(queue.status, 200);
  assert.match(queue.text(), new RegExp(`action="/dashboard/opt-outs/${first}/approve"`));
  assert.match(queue.text(), /&lt;script&gt;x&lt;\/script&gt;/);
  assert.equal((await operator.post(`/dashboard/opt-outs/${first}/approve`, {})).status, 303);
  assert.equal((await operator.post(`/dashboard/opt-outs/${second}/reject`, {})).status, 303);
  assert.equal((await operator.post(`/dashboard/opt-outs/${second}/approve`, {})).status, 409, 'a decision stands');
  assert.equal((await operator.post('/dashboard/opt-outs/999/approve', {})).status, 404);
  assert.equal((await operator.post(`/dashboard/opt-outs/${first}/reject`, {}, { csrf: null })).status, 403, 'the core checks the CSRF token');
  const approved = await fixture.store.getOptOutRequest(first);
  assert.deepEqual([approved?.status, approved?.decidedBy, approved?.decidedAt], ['approved', 'ops', fixture.clock.now.toISOString()]);
  assert.equal((await fixture.store.getOptOutRequest(second))?.status, 'rejected');
});

test('figures are recomputed when the store changes, and only then', async () => {
  const { fixture, operator } = await setUp();
  const before = (await operator.request({ url: '/api/v1/dashboard/summary' })).json() as DashboardFigures;
  const again = (await operator.request({ url: '/api/v1/dashboard/summary' })).json() as DashboardFigures;
  assert.equal(again.computedAt, before.computedAt);
  fixture.clock.now = new Date('2026-03-01T09:10:00.000Z'); // within the session's idle time
  assert.equal(
    ((await operator.request({ url: '/api/v1/dashboard/summary' })).json() as DashboardFigures).computedAt,
    before.computedAt,
    'same day, same store: cached',
  );
  await fixture.store.recordFeedback({
    findingId: fixture.ids['weak-credential 192.0.2.1:23']!,
    ispId: 'sakura',
    action: 'handled',
    at: '2026-03-01T09:30:00.000Z',
  });
  const after = (await operator.request({ url: '/api/v1/dashboard/summary' })).json() as DashboardFigures;
  assert.equal(after.totals.feedback, before.totals.feedback + 1);
  assert.equal(after.computedAt, '2026-03-01T09:10:00.000Z');
});

test('every dashboard page renders in Japanese and English', async () => {
  const { fixture, operator } = await setUp();
  const pages: Array<[string, RegExp, RegExp]> = [
    ['/dashboard', /Operator dashboard/, /運用ダッシュボード/],
    ['/dashboard/findings?kind=infected', /First seen/, /初回検出/],
    [`/dashboard/findings/${fixture.ids['weak-credential 192.0.2.2:23']}`, /Dictionary entry/, /辞書エントリ/],
    ['/dashboard/opt-outs', /Opt-out requests/, /調査除外の申請/],
  ];
  for (const [path, english, japanese] of pages) {
    const separator = path.includes('?') ? '&' : '?';
    const en = await operator.request({ url: `${path}${separator}lang=en` });
    assert.equal(en.status, 200, path);
    assert.match(en.text(), /<html lang="en">/);
    assert.match(en.text(), english, path);
    const ja = await operator.request({ url: `${path}${separator}lang=ja` });
    assert.match(ja.text(), /<html lang="ja">/);
    assert.match(ja.text(), japanese, path);
  }
});

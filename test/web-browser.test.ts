// The web site in a real browser (Debian's chromium through playwright-core) on real lab
// data: an ISP user's portal, the operator's dashboard and drill-down, the public pages and
// the opt-out queue, the hostile lab devices' script payloads on every page that shows device
// strings, and both languages. Screenshots of the main pages go to test-results/screenshots/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import type { NotifiableFinding } from '../src/core/records.ts';
import { labPayload } from '../src/lab/payloads.ts';
import { parseCsv } from './support/notifiable-findings.ts';
import { notificationCsvColumns } from '../src/notify/render/shadowserver-csv.ts';
import { drillPath } from '../src/server/dashboard/dashboard-page.ts';
import { formatCount } from '../src/server/dashboard/labels.ts';
import { dashboardWords } from '../src/server/dashboard/words.ts';
import { publicWords } from '../src/server/public/words.ts';
import { chartsDrawn, launchChromium, logIn, openVisitor } from './web/browser.ts';
import { startLabSite, type LabSite } from './web/lab-site.ts';
import { checkPayloadPages } from './web/payload-pages.ts';

const cidr = '127.226.0.0/24';
let site: LabSite;
let browser: Browser;

/** How the portal writes a finding's service: "ip:port/protocol". */
const serviceOf = (finding: Pick<NotifiableFinding, 'ip' | 'port' | 'protocol'>) => `${finding.ip}:${finding.port}/${finding.protocol}`;
const ispOf = (finding: NotifiableFinding) => finding.attribution.ispId;
const countBy = <T>(items: readonly T[], key: (item: T) => string | undefined): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const item of items) {
    const value = key(item);
    if (value !== undefined) counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return counts;
};
const asNumber = (text: string) => Number(text.replace(/[,\s]/g, ''));

before(
  async () => {
    // Both start at once; whichever started is kept for after() to close even when the other
    // failed, so a missing browser fails these tests at once instead of leaving the lab running.
    const [siteStart, browserStart] = await Promise.allSettled([startLabSite({ cidr, seed: 11, deviceCount: 40 }), launchChromium()]);
    if (siteStart.status === 'fulfilled') site = siteStart.value;
    if (browserStart.status === 'fulfilled') browser = browserStart.value;
    if (siteStart.status === 'rejected') throw siteStart.reason;
    if (browserStart.status === 'rejected') throw browserStart.reason;
    assert.ok(site.ispUsers.size >= 2, `findings in at least two ISPs (got ${[...site.ispUsers.keys()].join(', ')})`);
  },
  { timeout: 120_000 },
);

after(async () => {
  await browser?.close();
  await site?.close();
});

test('an ISP user sees only its network, opens a finding, downloads the CSV report, gives feedback, and its API token sees the same', {
  timeout: 90_000,
}, async () => {
  const byIsp = countBy(site.findings, ispOf);
  const [ispId] = [...byIsp].sort((a, b) => b[1] - a[1])[0]!;
  const own = site.findings.filter((finding) => ispOf(finding) === ispId);
  const others = site.findings.filter((finding) => ispOf(finding) !== ispId);
  assert.ok(others.length > 0, 'another ISP (or nobody) has findings too');
  const visitor = await openVisitor(browser, site.url);
  const { page } = visitor;
  await logIn(visitor, site.ispUsers.get(ispId)!, site.password, '/portal');
  await visitor.screenshot('portal-overview');
  assert.equal(asNumber(await page.locator('section.open-by-kind tfoot td').first().innerText()), own.filter((finding) => finding.status === 'open').length);

  await visitor.open('/portal/findings');
  const list = await visitor.mainText();
  for (const finding of own) assert.ok(list.includes(serviceOf(finding)), `own finding ${serviceOf(finding)} is listed`);
  for (const finding of others) assert.ok(!list.includes(`${finding.ip}:`), `${finding.ip} (${ispOf(finding) ?? 'unattributed'}) is not shown to ${ispId}`);
  await visitor.screenshot('portal-findings');

  const target = own[0]!;
  await Promise.all([page.waitForURL(`**/portal/findings/${target.id}`), page.click(`a[href="/portal/findings/${target.id}"]`)]);
  assert.ok((await page.locator('h1').innerText()).includes(serviceOf(target)));
  const detail = await visitor.mainText();
  for (const value of Object.values(target.evidence).filter((item): item is string => typeof item === 'string'))
    assert.ok(detail.includes(value), `evidence "${value}" shown`);

  const note = `called the subscriber about ${target.ip}`;
  await page.selectOption('section.give-feedback select[name="action"]', 'subscriber-contacted');
  await page.fill('section.give-feedback textarea[name="note"]', note);
  await page.click('section.give-feedback button[type="submit"]');
  await page.locator('ul.feedback li', { hasText: note }).waitFor();
  await visitor.screenshot('portal-finding');
  const stored = await site.store.listFeedback({ findingId: target.id });
  assert.deepEqual(
    stored.map((row) => [row.action, row.note, row.author, row.ispId]),
    [['subscriber-contacted', note, site.ispUsers.get(ispId), ispId]],
  );

  const [report] = await site.store.listReports({ ispId });
  assert.ok(report, `${ispId} has a report`);
  await visitor.open('/portal/reports');
  await visitor.screenshot('portal-reports');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(`a[href="/portal/reports/${report.id}/report.csv"]`)]);
  assert.match(download.suggestedFilename(), /\.csv$/);
  const [header, ...rows] = parseCsv(readFileSync(await download.path(), 'utf8'));
  assert.deepEqual(header, [...notificationCsvColumns]);
  const column = (name: string) => header!.indexOf(name as (typeof notificationCsvColumns)[number]);
  assert.deepEqual(
    rows.map((row) => Number(row[column('finding_id')])).sort((a, b) => a - b),
    (await site.store.reportFindingIds(report.id)).sort((a, b) => a - b),
  );
  const ownIps = new Set(own.map((finding) => finding.ip));
  assert.ok(
    rows.every((row) => ownIps.has(row[column('ip')]!)),
    'every CSV row is an address of this ISP',
  );

  await visitor.open('/portal/tokens');
  await page.fill('form[action="/portal/tokens"] input[name="label"]', 'ticketing system');
  await page.click('form[action="/portal/tokens"] button[type="submit"]');
  const token = (await page.locator('code.secret').innerText()).trim();
  assert.match(token, /^on_/);
  await visitor.screenshot('portal-tokens');
  await visitor.assertNothingInjected('portal');
  assert.deepEqual(visitor.pageErrors, []);
  await visitor.close();

  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${site.url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });
  const listed = (await (await api('/api/v1/findings?limit=1000')).json()) as { findings: Array<{ id: number; ip: string }>; nextCursor: string | null };
  assert.deepEqual(
    listed.findings.map((finding) => finding.id).sort((a, b) => a - b),
    own.map((finding) => finding.id).sort((a, b) => a - b),
  );
  assert.equal(listed.nextCursor, null);
  assert.equal((await api(`/api/v1/findings/${others[0]!.id}`)).status, 404, "another ISP's finding does not exist for this token");
  const theirReport = (await site.store.listReports()).find((row) => row.ispId !== ispId);
  if (theirReport) assert.equal((await api(`/api/v1/reports/${theirReport.id}/report.csv`)).status, 404);
  const posted = await api(`/api/v1/findings/${target.id}/feedback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ action: 'handled', note: 'closed in the ticketing system' }),
  });
  assert.equal(posted.status, 201);
  assert.deepEqual((await site.store.listFeedback({ findingId: target.id })).map((row) => row.action).sort(), ['handled', 'subscriber-contacted']);
  assert.equal((await fetch(`${site.url}/api/v1/findings`)).status, 401, 'no token, no data');
});

test('the operator sees figures equal to the store, drills down from a figure to its findings and into one finding’s history', {
  timeout: 90_000,
}, async () => {
  const findings = await site.store.listNotifiableFindings();
  const open = findings.filter((finding) => finding.status === 'open');
  const visitor = await openVisitor(browser, site.url);
  const { page } = visitor;
  await logIn(visitor, site.operator, site.password, '/dashboard');
  assert.ok((await chartsDrawn(page)) >= 4, 'the monthly, breakdown and remediation charts are drawn');
  await visitor.screenshot('dashboard');

  assert.equal(await page.locator(`.cards a.value[href="${drillPath({ status: 'open' })}"]`).innerText(), formatCount('en', open.length));
  const tableOf = async (id: string) => {
    const keys = await page.locator(`#${id}-table tbody tr td:nth-child(1)`).allTextContents();
    const counts = await page.locator(`#${id}-table tbody tr td:nth-child(2)`).allTextContents();
    return new Map(keys.map((key, index) => [key, asNumber(counts[index]!)]));
  };
  const vendors = await tableOf('vendors');
  for (const [vendor, count] of countBy(open, (finding) => finding.vendor)) assert.equal(vendors.get(vendor), count, `open findings of ${vendor}`);
  assert.equal(
    [...vendors.values()].reduce((a, b) => a + b, 0),
    open.length,
    'the vendor table adds up to the open findings',
  );
  const types = await tableOf('device-types');
  for (const [type, count] of countBy(open, (finding) => finding.deviceType)) assert.equal(types.get(type), count, `open findings on ${type}s`);
  const isps = (await site.store.listIsps()).filter((isp) => open.some((finding) => ispOf(finding) === isp.id));
  const ispRows = page.locator('section[aria-labelledby="isps-title"] tbody tr');
  for (const isp of isps) {
    const cells = await ispRows
      .filter({ has: page.locator('td:first-child', { hasText: isp.name }) })
      .first()
      .locator('td')
      .allTextContents();
    assert.equal(asNumber(cells[1]!), open.filter((finding) => ispOf(finding) === isp.id).length, `open findings of ${isp.name}`);
  }

  // Drill down through the vendor figure to the finding the ISP gave feedback on (if the
  // ISP scenario ran first), else to the most common vendor's findings.
  const [feedback] = await site.store.listFeedback();
  const target = open.find((finding) => finding.id === feedback?.findingId) ?? open.find((finding) => finding.vendor !== undefined)!;
  const vendor = target.vendor ?? 'unidentified';
  const expected = open
    .filter((finding) => (finding.vendor ?? 'unidentified') === vendor)
    .map((finding) => finding.id)
    .sort((a, b) => a - b);
  await page.click('#vendors-table summary');
  await Promise.all([page.waitForURL('**/dashboard/findings?**'), page.click(`#vendors-table a[href="${drillPath({ vendor, status: 'open' })}"]`)]);
  const ids = (await page.locator('table.findings tbody tr td:first-child').allTextContents()).map(Number).sort((a, b) => a - b);
  assert.deepEqual(ids, expected, `the list behind ${vendor}'s figure holds exactly its open findings`);
  await visitor.screenshot('dashboard-findings');

  await Promise.all([page.waitForURL(`**/dashboard/findings/${target.id}`), page.click(`table.findings a[href="/dashboard/findings/${target.id}"]`)]);
  const history = await page.locator('table.timeline').innerText();
  assert.match(history, /Found \(opened\)/);
  for (const reportId of (await site.store.findingHistory(target.id))!.reports.map((report) => report.reportId))
    assert.ok(history.includes(`Report ${reportId}`), `report ${reportId} in the history`);
  for (const given of await site.store.listFeedback({ findingId: target.id }))
    assert.ok(history.includes(given.note ?? given.action), `feedback "${given.note}" in the history`);
  assert.ok((await visitor.mainText()).includes(target.ip));
  await visitor.screenshot('dashboard-finding');

  // From the remediated figure to a fixed finding's whole life: found, reported, re-surveyed, closed.
  const closed = findings.filter((finding) => finding.status === 'closed');
  assert.ok(closed.length > 0, 'the re-survey closed the fixed device’s findings');
  await visitor.open('/dashboard');
  const remediated = page.locator(`.cards a.value[href="${drillPath({ status: 'closed' })}"]`);
  assert.equal(await remediated.innerText(), formatCount('en', closed.length));
  await Promise.all([page.waitForURL('**/dashboard/findings?status=closed'), remediated.click()]);
  assert.deepEqual(
    (await page.locator('table.findings tbody tr td:first-child').allTextContents()).map(Number).sort((a, b) => a - b),
    closed.map((finding) => finding.id).sort((a, b) => a - b),
  );
  const fixed = closed[0]!;
  await Promise.all([page.waitForURL(`**/dashboard/findings/${fixed.id}`), page.click(`table.findings a[href="/dashboard/findings/${fixed.id}"]`)]);
  const life = await page.locator('table.timeline').innerText();
  for (const step of [
    'Found (opened)',
    `Report ${(await site.store.findingHistory(fixed.id))!.reports[0]!.reportId}`,
    'Closed: a re-survey no longer found it',
  ])
    assert.ok(life.includes(step), `the history shows "${step}"`);
  await visitor.screenshot('dashboard-finding-closed');
  await visitor.assertNothingInjected('dashboard');
  assert.deepEqual(visitor.pageErrors, []);
  await visitor.close();
});

test('public pages: about, statistics, check my connection from 127.0.0.1, and an opt-out the operator then approves', { timeout: 90_000 }, async () => {
  const words = publicWords('en');
  const visitor = await openVisitor(browser, site.url);
  const { page } = visitor;
  await visitor.open('/');
  assert.equal(await page.locator('h1').innerText(), words.aboutTitle);
  const about = await visitor.mainText();
  for (const fact of [site.program.operator, site.program.contact, ...site.program.scannerAddresses])
    assert.ok(about.includes(fact), `the about page names ${fact}`);
  await visitor.screenshot('about');

  await visitor.open('/statistics');
  assert.ok((await chartsDrawn(page)) >= 1);
  const open = (await site.store.listNotifiableFindings()).filter((finding) => finding.status === 'open');
  const totals = (await page.locator('#public-vendors-table tbody tr td:nth-child(2)').allTextContents()).map(asNumber);
  assert.equal(
    totals.reduce((a, b) => a + b, 0),
    open.length,
    'the public vendor table adds up to the open findings',
  );
  assert.ok(!(await visitor.mainText()).includes(cidr.slice(0, 8)), 'no address on the public statistics');
  await visitor.screenshot('statistics');

  const someDevice = site.findings[0]!.ip;
  for (const path of ['/check', `/check?ip=${someDevice}&address=${someDevice}`]) {
    await visitor.open(path);
    assert.equal(await page.locator('#your-address').innerText(), '127.0.0.1');
    const text = await visitor.mainText();
    assert.ok(text.includes(words.nothingFound), 'nothing is open at 127.0.0.1');
    assert.ok(!text.includes(cidr.slice(0, 8)), `${path}: no other address is talked about`);
  }
  await visitor.screenshot('check');

  await visitor.open('/opt-out');
  await page.fill('#cidrs', '133.0.5.0/24\n133.0.6.0/25');
  await page.fill('#contact', 'noc@optout.example');
  await page.fill('#reason', 'our honeypots, please leave them alone');
  await Promise.all([page.waitForURL('**/opt-out'), page.click('form[action="/opt-out"] button[type="submit"]')]);
  await page.locator('p.success').waitFor();
  assert.equal(await page.locator('h1').innerText(), words.received);
  await visitor.screenshot('opt-out-received');
  await visitor.assertNothingInjected('public pages');
  await visitor.close();

  const [request] = await site.store.listOptOutRequests({ status: 'pending' });
  assert.deepEqual([request?.cidrs, request?.contact], [['133.0.5.0/24', '133.0.6.0/25'], 'noc@optout.example']);
  const operator = await openVisitor(browser, site.url);
  await logIn(operator, site.operator, site.password, '/dashboard');
  await operator.open('/dashboard/opt-outs');
  const queue = await operator.mainText();
  for (const text of ['133.0.5.0/24', '133.0.6.0/25', 'noc@optout.example', 'our honeypots']) assert.ok(queue.includes(text), `the queue shows ${text}`);
  await operator.screenshot('dashboard-opt-outs');
  await Promise.all([
    operator.page.waitForURL('**/dashboard/opt-outs'),
    operator.page.click(`form[action="/dashboard/opt-outs/${request!.id}/approve"] button`),
  ]);
  assert.equal((await site.store.getOptOutRequest(request!.id))?.status, 'approved');
  await operator.close();
});

test('device strings with script payloads are shown as text and never run, on every page that shows them (CSP turned off)', { timeout: 90_000 }, async () => {
  // Control: with the CSP off, an injected handler really runs and is seen.
  const control = await openVisitor(browser, site.url, { bypassCSP: true });
  await control.page.setContent(`<p>${labPayload('http-realm').text}</p>`);
  await control.page.waitForFunction('window.__xss === 6', undefined, { timeout: 5_000 });
  await assert.rejects(control.assertNothingInjected('control'), /a payload ran/);
  await control.page.evaluate('delete window.__xss');
  await assert.rejects(control.assertNothingInjected('control'), /markup that runs script/, 'the markup probe sees the handler even when nothing ran');
  await control.close();

  const visited = await checkPayloadPages(browser, site);
  assert.ok(visited.length >= 8, `pages checked: ${visited.join(', ')}`);
});

test('the same page in Japanese and in English', { timeout: 30_000 }, async () => {
  const visitor = await openVisitor(browser, site.url);
  const { page } = visitor;
  await visitor.open('/?lang=ja');
  assert.equal(await page.locator('html').getAttribute('lang'), 'ja');
  assert.equal(await page.locator('h1').innerText(), publicWords('ja').aboutTitle);
  await visitor.screenshot('about-ja');
  await logIn(visitor, site.operator, site.password, '/dashboard');
  assert.equal(await page.locator('h1').innerText(), dashboardWords('ja').title, 'the language choice outlives the login');
  await chartsDrawn(page);
  await visitor.screenshot('dashboard-ja');
  await visitor.open('/dashboard?lang=en');
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  assert.equal(await page.locator('h1').innerText(), dashboardWords('en').title);
  assert.notEqual(dashboardWords('ja').title, dashboardWords('en').title);
  await visitor.close();
});

test('no request made the server fail', () => {
  assert.deepEqual(site.serverErrors, []);
});

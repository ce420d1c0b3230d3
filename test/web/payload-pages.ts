/**
 * Every page that shows strings a device sent, visited with the lab's script payloads in the
 * store and the Content Security Policy turned off (so escaping alone stands between the
 * payload and execution): the dashboard, its lists and finding pages, each ISP's portal list,
 * finding and help-desk pages, "check my connection" from the payload printer's address, and the public
 * statistics. On each: the payload text is on the page as text, and nothing ran or could run.
 */
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { NotifiableFinding } from '../../src/core/records.ts';
import { labPayload } from '../../src/lab/payloads.ts';
import type { LabPayload } from '../../src/lab/types.ts';
import { drillPath } from '../../src/server/dashboard/dashboard-page.ts';
import { logIn, openVisitor, type Visitor } from './browser.ts';
import type { LabSite } from './lab-site.ts';

/** Looks like markup or a script URL: a string a hostile device put there. */
const isHostile = (value: unknown): value is string => typeof value === 'string' && (value.includes('<') || value.includes('javascript:'));

/** The hostile strings stored on the finding itself: identity and evidence. */
function hostileStringsOf(finding: NotifiableFinding): string[] {
  return [finding.vendor, finding.model, ...Object.values(finding.evidence)].filter(isHostile);
}

/**
 * Visits every page and asserts; resolves to the paths visited.
 * @example const visited = await checkPayloadPages(browser, site)
 */
export async function checkPayloadPages(browser: Browser, site: LabSite): Promise<string[]> {
  const findings = await site.store.listNotifiableFindings();
  const carriers = new Map<NotifiableFinding, LabPayload[]>();
  for (const device of site.payloadDevices) {
    for (const id of device.payloads!.map((payload) => payload.id)) {
      const payload = labPayload(id);
      const finding = findings.find((candidate) => candidate.ip === device.ip && candidate.port === payload.port);
      assert.ok(finding, `${payload.id}: the survey found ${device.ip}:${payload.port}`);
      carriers.set(finding, [...(carriers.get(finding) ?? []), payload]);
    }
  }
  const printer = [...carriers.keys()].find((finding) => isHostile(finding.model));
  assert.ok(printer, 'the payload printer was identified with its hostile model name');

  const visited: string[] = [];
  const check = async (visitor: Visitor, path: string, texts: readonly string[]) => {
    await visitor.open(path);
    const shown = await visitor.mainText();
    for (const text of texts) assert.ok(shown.includes(text), `${path} shows ${JSON.stringify(text)} as text`);
    await visitor.assertNothingInjected(path);
    visited.push(path);
  };

  const operator = await openVisitor(browser, site.url, { bypassCSP: true });
  await logIn(operator, site.operator, site.password, '/dashboard');
  await check(operator, '/dashboard', []);
  await check(operator, '/dashboard/findings?limit=200', [printer.model!]);
  await check(operator, drillPath({ vendor: printer.vendor!, status: 'open' }), [printer.model!]);
  await check(operator, drillPath({ deviceType: printer.deviceType!, status: 'open' }), [printer.model!]);
  for (const [finding, payloads] of carriers) {
    // The service record is shown as JSON: quotes in a payload appear backslash-escaped.
    await check(operator, `/dashboard/findings/${finding.id}`, [
      ...hostileStringsOf(finding),
      ...payloads.map((payload) => JSON.stringify(payload.text).slice(1, -1)),
    ]);
  }
  assert.deepEqual(operator.pageErrors, []);
  await operator.close();

  for (const ispId of new Set([...carriers.keys()].map((finding) => finding.attribution.ispId))) {
    if (ispId === undefined) continue;
    const own = [...carriers.keys()].filter((finding) => finding.attribution.ispId === ispId);
    const visitor = await openVisitor(browser, site.url, { bypassCSP: true });
    await logIn(visitor, site.ispUsers.get(ispId)!, site.password, '/portal');
    await check(visitor, '/portal', []);
    await check(
      visitor,
      '/portal/findings',
      own.flatMap((finding) => [finding.vendor, finding.model].filter(isHostile)),
    );
    for (const finding of own) await check(visitor, `/portal/findings/${finding.id}`, hostileStringsOf(finding));
    // The help desk's answer for each hostile device's address (a form post, as a desk sends it).
    for (const ip of new Set(own.map((finding) => finding.ip))) {
      await visitor.open('/portal/help-desk');
      await visitor.page.fill('form.help-desk input[name="address"]', ip);
      await Promise.all([
        visitor.page.waitForURL('**/portal/help-desk'),
        visitor.page.waitForLoadState('load'),
        visitor.page.click('form.help-desk button[type="submit"]'),
      ]);
      await visitor.page.locator('section.help-desk-result').waitFor();
      const shown = await visitor.mainText();
      const texts = own.filter((finding) => finding.ip === ip).flatMap((finding) => [finding.vendor, finding.model].filter(isHostile));
      for (const text of texts) assert.ok(shown.includes(text), `the help desk's answer for ${ip} shows ${JSON.stringify(text)} as text`);
      await visitor.assertNothingInjected(`help desk ${ip}`);
      visited.push(`/portal/help-desk (${ip})`);
    }
    await visitor.close();
  }

  // "Check my connection" as the printer's owner would see it, through the proxied server.
  const owner = await openVisitor(browser, site.proxiedUrl, { bypassCSP: true, headers: { 'x-forwarded-for': printer.ip } });
  await check(owner, '/check', [printer.model!]);
  assert.equal(await owner.page.locator('#your-address').innerText(), printer.ip);
  await owner.screenshot('check-payload-device');
  await check(owner, '/statistics', []);
  await owner.close();
  return visited;
}

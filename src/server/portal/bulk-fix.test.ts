import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitCsvLine } from '../../discover/csv-line.ts';
import { buildTestApp, createBrowser, createFixture, hostileVendor, logIn } from '../../../test/support/server-fixture.ts';

test('an ISP that manages its devices sees its bulk-fix list and progress per model and downloads the list; others do not', async () => {
  const fixture = await createFixture();
  // ISP A rents and manages its customers' routers; ISP B does not.
  const [a] = (await fixture.store.listIsps()).filter((isp) => isp.id === 'isp-a');
  await fixture.store.upsertIsps([{ ...a!, managesCustomerDevices: true }]);
  const app = buildTestApp(fixture);
  const alice = createBrowser(app);
  await logIn(alice, fixture.users.alice);

  const page = await alice.request({ url: '/portal/bulk-fix?lang=en' });
  assert.equal(page.status, 200);
  const text = page.text();
  assert.ok(!text.includes(hostileVendor), 'device strings are escaped');
  const list = /<table class="bulk-fix">([\s\S]*?)<\/table>/.exec(text)?.[1] ?? '';
  // The fixture's open findings of A: 192.0.2.10 (weak password) and 192.0.2.11 (infected), each its own model.
  assert.deepEqual([...list.matchAll(/<td>(model-[\d.]+)<\/td>/g)].map((match) => match[1]).sort(), ['model-192.0.2.10', 'model-192.0.2.11']);
  assert.match(list, /Weak password \(1\)/);
  const progress = /<table class="bulk-fix-progress">([\s\S]*?)<\/table>/.exec(text)?.[1] ?? '';
  // All three of A's devices were in its report of 2025-02-02; 192.0.2.12's finding closed on 2025-02-10.
  const fixedRow =
    /<td>model-192\.0\.2\.12<\/td><td>([^<]+)<\/td><td class="number">(\d+)<\/td><td class="number">(\d+)<\/td><td class="number">(\d+)<\/td><td class="number">([\d.]+)<\/td>/.exec(
      progress,
    );
  assert.deepEqual(fixedRow?.slice(1), ['2025-02-02 00:00 UTC', '1', '1', '0', '100.0']);
  assert.match(progress, /<td>model-192\.0\.2\.10<\/td>[\s\S]*?<td class="number">0\.0<\/td>/);
  assert.ok(!text.includes('198.51.100.'), "no address of another ISP's network");

  const csv = await alice.request({ url: '/portal/bulk-fix.csv' });
  assert.equal(csv.status, 200);
  assert.match(csv.headers['content-type'] ?? '', /^text\/csv/);
  assert.match(csv.headers['content-disposition'] ?? '', /attachment; filename="opennotice-isp-a-bulk-fix-2025-03-01\.csv"/);
  const rows = csv
    .text()
    .trimEnd()
    .split('\r\n')
    .slice(1)
    .map((line) => splitCsvLine(line)!);
  assert.deepEqual(rows.map((row) => [row[1], row[3], row[6]]).sort(), [
    ['model-192.0.2.10', '1', '192.0.2.10'],
    ['model-192.0.2.11', '1', '192.0.2.11'],
  ]);
  const japanese = await alice.request({ url: '/portal/bulk-fix.txt?lang=ja' });
  assert.match(japanese.text(), /一括対処リスト/);

  const api = await alice.request({ url: '/api/v1/bulk-fix' });
  assert.equal(api.status, 200);
  const body = api.json() as {
    ispId: string;
    groups: Array<{ model: string; devices: number; addresses: string[] }>;
    progress: Array<{ model: string; fixed: number }>;
  };
  assert.equal(body.ispId, 'isp-a');
  assert.deepEqual(body.groups.map((group) => [group.model, group.devices, group.addresses]).sort(), [
    ['model-192.0.2.10', 1, ['192.0.2.10']],
    ['model-192.0.2.11', 1, ['192.0.2.11']],
  ]);
  assert.equal(body.progress.find((row) => row.model === 'model-192.0.2.12')?.fixed, 1);
  assert.equal((await alice.request({ url: '/api/v1/bulk-fix.csv' })).status, 200);

  const bob = createBrowser(app);
  await logIn(bob, fixture.users.bob);
  assert.match((await bob.request({ url: '/portal/bulk-fix?lang=en' })).text(), /does not list your network as managing/);
  assert.equal((await bob.request({ url: '/portal/bulk-fix.csv' })).status, 404);
  assert.equal((await bob.request({ url: '/api/v1/bulk-fix' })).status, 404);
});

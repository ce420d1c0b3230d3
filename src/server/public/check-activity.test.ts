// "Check my connection" over a real loopback socket, the client bound to the address the page
// must talk about (127.155.0.0/16): recent darknet scanning and honeypot attacks of the caller's
// own address, nothing of any other, on both stores.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { Finding } from '../../core/records.ts';
import { openStore } from '../../store/open-store.ts';
import type { Store } from '../../store/store.ts';
import { type PostgresServer, startPostgres } from '../../../test/support/postgres-server.ts';
import { darknetWindow, scanner } from '../../../test/store-conformance/fixtures.ts';
import { buildApp } from '../app.ts';
import { listen, type RunningServer } from '../listen.ts';
import { createPublicModule } from './index.ts';

const now = new Date('2026-03-10T12:00:00.000Z');
const serverAddress = '127.155.0.1';
const callers = {
  scanner: '127.155.0.2',
  honeypotBot: '127.155.0.3',
  research: '127.155.0.4',
  oldScanner: '127.155.0.5',
  clean: '127.155.0.6',
  camera: '127.155.0.7',
};

/** Darknet windows and a honeypot finding for the callers above. */
async function writeActivity(store: Store): Promise<void> {
  const runId = await store.startRun({ startedAt: '2026-03-09T00:00:00.000Z', scope: ['127.155.0.0/16'], exclude: [], ports: [23], checks: [] });
  await store.recordDarknetWindows(runId, [
    darknetWindow('2026-03-08T00:00:00.000Z', 86400, 5000, [
      scanner(callers.scanner, 900, { firstSeen: '2026-03-08T01:00:00.000Z', lastSeen: '2026-03-08T09:30:00.000Z' }),
      scanner(callers.research, 900, { verdict: 'research', family: undefined, lastSeen: '2026-03-08T09:00:00.000Z' }),
    ]),
    darknetWindow('2026-02-20T00:00:00.000Z', 86400, 5000, [scanner(callers.oldScanner, 900, { lastSeen: '2026-02-20T10:00:00.000Z' })]),
  ]);
  const bot = {
    kind: 'infected',
    ip: callers.honeypotBot,
    port: 0,
    protocol: 'honeypot',
    evidence: { source: 'honeypot' },
    observedAt: '2026-03-07T06:00:00.000Z',
  };
  const camera = { kind: 'weak-credential', ip: callers.camera, port: 554, protocol: 'rtsp', evidence: {}, observedAt: '2026-03-09T00:00:00.000Z' };
  await store.recordDevices(runId, [
    { ip: callers.camera, identity: { vendor: 'Korvan', model: 'KC-100', deviceType: 'ip-camera', firmwareVersion: '1.0', confidence: 0.9, evidence: [] } },
  ]);
  await store.reconcileFindings(runId, { found: [bot as Finding, camera as Finding], covered: [] });
}

/** GET a path from the server, the connection made from `localAddress`. */
function getFrom(server: RunningServer, localAddress: string, path: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const call = request(`${server.url}${path}`, { localAddress, timeout: 10_000 }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      response.on('error', reject);
    });
    call.on('timeout', () => call.destroy(new Error(`no answer to ${path} within 10 s`)));
    call.on('error', reject);
    call.end();
  });
}

function checkPageSuite(openFreshStore: () => Promise<Store>) {
  let store: Store | undefined;
  let server: RunningServer | undefined;
  before(async () => {
    store = await openFreshStore();
    await writeActivity(store);
    const deps = {
      store,
      now: () => now,
      program: { name: 'Test Program', operator: 'Test Operator', contact: 'notice@program.example', scannerAddresses: [] },
    };
    const app = buildApp({ deps, modules: [createPublicModule({ activityDays: 7, checksPerMinute: 3 })] });
    server = await listen(app, { host: serverAddress, port: 0 });
  });
  after(async () => {
    await server?.close();
    await store?.close();
  });
  const get = (caller: string, path = '/check?lang=en') => {
    if (!server) throw new Error('the server did not start (see the before hook)');
    return getFrom(server, caller, path);
  };

  test('a darknet scanner calling is told it was seen scanning, and what to do', async () => {
    const page = await get(callers.scanner);
    assert.equal(page.status, 200);
    assert.match(page.text, /<code class="address" id="your-address">127\.155\.0\.2<\/code>/);
    assert.match(page.text, /<section class="activity" data-seen="yes">/);
    assert.match(page.text, /<li class="darknet-scanning">In the last 7 days this address was seen scanning the Internet[^<]*last seen 2026-03-08 09:30/);
    assert.doesNotMatch(page.text, /class="honeypot-attack"/);
    assert.match(page.text, /<ol class="activity-advice"><li>Find the device/);
    assert.doesNotMatch(page.text, /127\.200\.0\.0|900|mirai/i, 'nothing else of the darknet data: no darknet, packet count or family');
    const japanese = await get(callers.scanner, '/check?lang=ja');
    assert.match(japanese.text, /過去7日間に、このアドレスが侵入できる機器を探して/);
  });

  test('a honeypot attacker is told so; a research scanner, an old scanner and a clean address are not', async () => {
    assert.match(
      (await get(callers.honeypotBot)).text,
      /<li class="honeypot-attack">In the last 7 days this address was seen trying to break into our decoy devices/,
    );
    for (const caller of [callers.research, callers.oldScanner, callers.clean]) {
      const page = await get(caller);
      assert.match(page.text, /<section class="activity" data-seen="no">[\s\S]*did not see this address scanning/, caller);
    }
  });

  test("a finding's advice carries the steps for the kind of device found", async () => {
    const page = await get(callers.camera);
    assert.match(page.text, /<ul class="advice"><li data-kind="weak-credential">[\s\S]*For a network camera:<\/p><ol class="device-steps">[\s\S]*RTSP/);
    assert.match(page.text, /data-seen="no"/);
  });

  test('no parameter chooses another address, and the page stays rate-limited', async () => {
    for (const path of [`/check?ip=${callers.scanner}`, `/check?address=${callers.scanner}&lang=en`]) {
      const page = await get(callers.clean, path);
      assert.match(page.text, /data-seen="no"/, path);
      assert.match(page.text, /id="your-address">127\.155\.0\.6</, path);
    }
    // The clean caller has used its 3 checks a minute (one above, two here).
    assert.equal((await get(callers.clean)).status, 429);
  });
}

describe('check my connection on SQLite', () => checkPageSuite(() => openStore(':memory:')));

describe('check my connection on PostgreSQL', { timeout: 120_000 }, () => {
  let postgres: PostgresServer | undefined;
  before(async () => {
    postgres = await startPostgres();
  });
  after(() => postgres?.stop());
  checkPageSuite(async () => {
    if (!postgres) throw new Error('the PostgreSQL server did not start (see the before hook)');
    return openStore(await postgres.createDatabase());
  });
});

/**
 * Test fixture of the dashboard and public pages (imported by *.test.ts only): a store
 * filled through the repository's ordinary methods — two survey runs (the second closes two
 * findings and finds new ones), identified devices (one with script payloads in its vendor
 * and model), attributions, ISP and vendor reports with a delivery, feedback, darknet day and
 * hour windows — plus an operator account and a logged-in test browser.
 */
import type { DarknetWindow, Finding } from '../../src/core/records.ts';
import { openStore } from '../../src/store/open-store.ts';
import { buildApp, type App } from '../../src/server/app.ts';
import { hashPassword } from '../../src/server/auth/password.ts';
import type { ServerDeps } from '../../src/server/route-types.ts';
import { createBrowser, logIn, testPassword, testScryptCost, type TestBrowser } from './server-fixture.ts';
import type { Store } from '../../src/store/store.ts';

/** Device-sourced strings that must reach pages only as text. */
export const payloads = {
  vendor: '<script>window.__xss=1</script>',
  model: '"><img src=x onerror=window.__xss=2>',
  banner: '<script>alert(1)</script>',
  title: '"><img src=x onerror=alert(2)>',
  server: '<svg onload=window.__xss=4>',
};

export interface DashboardFixture {
  store: Store;
  deps: ServerDeps;
  clock: { now: Date };
  /** Finding ids by a short name. */
  ids: Record<string, number>;
}

const found = (
  kind: Finding['kind'],
  ip: string,
  port: number,
  protocol: string,
  observedAt: string,
  evidence: Record<string, unknown> = {},
  dictionaryEntryId?: string,
): Finding => ({ kind, ip, port, protocol, evidence, observedAt, ...(dictionaryEntryId ? { dictionaryEntryId } : {}) });

const dayWindow = (
  start: string,
  periodSeconds: number,
  packets: number,
  scanners: number,
  topPorts: Array<{ port: number; packets: number }>,
  judged: DarknetWindow['judged'] = [],
): DarknetWindow => ({
  darknet: '203.0.113.0/24',
  darknetSize: 256,
  start,
  periodSeconds,
  firstPacketAt: start,
  lastPacketAt: start,
  packets,
  sources: scanners + 2,
  scanners,
  miraiScanners: Math.floor(scanners / 2),
  researchSources: 1,
  backscatterSources: 1,
  classTotals: { mirai: packets },
  topPorts,
  judged,
});

/**
 * @example const fixture = await createDashboardFixture(); const app = buildApp({ deps: fixture.deps })
 */
export async function createDashboardFixture(): Promise<DashboardFixture> {
  const store = await openStore(':memory:');
  const clock = { now: new Date('2026-03-01T09:00:00.000Z') };
  await store.upsertIsps(
    ['sakura', 'hikari'].map((id) => ({
      id,
      name: id === 'sakura' ? 'Sakura Net' : 'Hikari Broadband',
      asns: [id === 'sakura' ? 64496 : 64498],
      prefixes: [],
      contacts: { abuseEmail: `abuse@${id}.example`, portalUsers: [] },
      preferences: { format: 'csv', cadence: 'weekly', language: 'ja' },
      managesCustomerDevices: false,
    })),
    { at: '2026-01-01T00:00:00.000Z' },
  );

  const january = '2026-01-10T01:00:00.000Z';
  const run1 = await store.startRun({
    startedAt: '2026-01-10T00:00:00.000Z',
    scope: ['192.0.2.0/24', '198.51.100.0/24'],
    exclude: [],
    ports: [21, 22, 23, 80],
    checks: ['credentials', 'firmware'],
  });
  const device = (ip: string, vendor: string, model: string, deviceType: 'ip-camera' | 'router' | 'dvr' | 'nas', releaseYear?: number) => ({
    ip,
    identity: {
      vendor,
      model,
      deviceType,
      ...(releaseYear ? { releaseYear } : {}),
      confidence: 0.9,
      evidence: [{ ruleId: 'test-rule', protocol: 'http', port: 80, matched: model }],
    },
  });
  await store.recordDevices(run1, [
    device('192.0.2.1', 'Korvan', 'KC-100', 'ip-camera', 2014),
    device('192.0.2.2', 'Korvan', 'KC-200', 'ip-camera', 2016),
    device('192.0.2.3', 'Velmora', 'VR-1', 'router', 2012),
    device('192.0.2.4', payloads.vendor, payloads.model, 'dvr'),
    device('198.51.100.1', 'Velmora', 'VR-2', 'router', 2012),
    device('198.51.100.3', 'Storix', 'SN-1', 'nas', 2011),
  ]);
  await store.recordServices(run1, [
    {
      ip: '192.0.2.4',
      port: 80,
      protocol: 'http',
      status: 'success',
      result: { title: payloads.title, server: payloads.server },
      durationMs: 12,
      observedAt: january,
    },
  ]);
  await store.reconcileFindings(run1, {
    found: [
      found('weak-credential', '192.0.2.1', 23, 'telnet', january, { banner: payloads.banner }, 'kv-001'),
      found('weak-credential', '192.0.2.2', 23, 'telnet', january, {}, 'kv-002'),
      found('no-authentication', '192.0.2.3', 80, 'http', january, { title: payloads.title }),
      found('vulnerable-firmware', '192.0.2.4', 80, 'http', january, { title: payloads.banner, cves: ['CVE-2017-0001'] }),
      found('weak-credential', '198.51.100.1', 22, 'ssh', january, {}, 'vm-001'),
      found('infected', '198.51.100.1', 0, 'darknet', '2026-01-12T05:00:00.000Z', { daysSeen: ['2026-01-11', '2026-01-12'] }),
      found('infected', '198.51.100.2', 0, 'darknet', '2026-01-12T06:00:00.000Z', { daysSeen: ['2026-01-12'] }),
      found('infected', '192.0.2.3', 0, 'darknet', january, {}),
    ],
    covered: [],
  });
  const byKey = new Map((await store.listFindings()).map((row) => [`${row.kind} ${row.ip}:${row.port}`, row.id]));
  const id = (key: string) => byKey.get(key)!;
  await store.recordAttributions(
    [
      ...[
        'weak-credential 192.0.2.1:23',
        'weak-credential 192.0.2.2:23',
        'no-authentication 192.0.2.3:80',
        'vulnerable-firmware 192.0.2.4:80',
        'infected 192.0.2.3:0',
      ].map((key) => ({ findingId: id(key), attribution: { source: 'registry' as const, ispId: 'sakura', asn: 64496, prefix: '192.0.2.0/24' } })),
      ...['weak-credential 198.51.100.1:22', 'infected 198.51.100.1:0'].map((key) => ({
        findingId: id(key),
        attribution: { source: 'registry' as const, ispId: 'hikari', asn: 64498, prefix: '198.51.100.0/24' },
      })),
    ],
    { at: '2026-01-14T00:00:00.000Z' },
  );
  const sakuraReport = await store.createReport({
    ispId: 'sakura',
    audience: 'isp',
    createdAt: '2026-01-15T00:00:00.000Z',
    periodEnd: '2026-01-15T00:00:00.000Z',
    idempotencyKey: 'sakura-1',
    findingIds: ['weak-credential 192.0.2.1:23', 'weak-credential 192.0.2.2:23', 'no-authentication 192.0.2.3:80', 'vulnerable-firmware 192.0.2.4:80'].map(id),
    summary: {},
    outbox: [{ channel: 'smtp', destination: 'abuse@sakura.example', idempotencyKey: 'sakura-1/smtp', payload: '{}' }],
  });
  const [delivery] = await store.listOutbox();
  await store.settleOutbox({ id: delivery!.id, at: '2026-01-15T00:05:00.000Z', status: 'delivered' });
  await store.createReport({
    ispId: 'hikari',
    audience: 'isp',
    createdAt: '2026-01-20T00:00:00.000Z',
    periodEnd: '2026-01-20T00:00:00.000Z',
    idempotencyKey: 'hikari-1',
    findingIds: ['weak-credential 198.51.100.1:22', 'infected 198.51.100.1:0'].map(id),
    summary: {},
    outbox: [],
  });
  await store.createReport({
    audience: 'vendor',
    createdAt: '2026-01-21T00:00:00.000Z',
    periodEnd: '2026-01-21T00:00:00.000Z',
    idempotencyKey: 'vendor-1',
    findingIds: [id('weak-credential 192.0.2.1:23')],
    summary: {},
    outbox: [],
  });
  await store.recordFeedback({
    findingId: id('weak-credential 192.0.2.2:23'),
    ispId: 'sakura',
    action: 'subscriber-contacted',
    note: '<b>called</b> the subscriber',
    author: 'alice@sakura',
    at: '2026-01-25T00:00:00.000Z',
  });

  // February: a re-survey closes two notified findings and finds two new ones.
  const run2 = await store.startRun({
    startedAt: '2026-02-05T00:00:00.000Z',
    scope: ['192.0.2.0/24', '198.51.100.0/24'],
    exclude: [],
    ports: [21, 22, 23, 80],
    checks: ['credentials', 'firmware'],
  });
  await store.reconcileFindings(run2, {
    found: [
      found('weak-credential', '198.51.100.3', 21, 'ftp', '2026-02-05T01:00:00.000Z', {}, 'st-001'),
      found('vulnerable-firmware', '192.0.2.1', 80, 'http', '2026-02-05T01:00:00.000Z'),
    ],
    covered: [
      { ip: '192.0.2.2', port: 23, protocol: 'telnet', kind: 'weak-credential' },
      { ip: '198.51.100.1', port: 22, protocol: 'ssh', kind: 'weak-credential' },
    ],
  });
  const all = await store.listFindings();
  for (const row of all) byKey.set(`${row.kind} ${row.ip}:${row.port}`, row.id);
  await store.recordAttributions([{ findingId: id('weak-credential 198.51.100.3:21'), attribution: { source: 'registry', ispId: 'hikari', asn: 64498 } }], {
    at: '2026-02-06T00:00:00.000Z',
  });

  const run3 = await store.startRun({ startedAt: '2026-01-13T00:00:00.000Z', scope: [], exclude: [], ports: [], checks: ['darknet'] });
  const judged: DarknetWindow['judged'] = [
    {
      ip: '198.51.100.1',
      verdict: 'scanner',
      family: 'mirai',
      packets: 90,
      distinctDestinations: 80,
      topPorts: [{ port: 23, count: 90 }],
      hits: { mirai: 90 },
      firstSeen: '2026-01-11T01:00:00.000Z',
      lastSeen: '2026-01-11T02:00:00.000Z',
      reason: 'test',
    },
  ];
  await store.recordDarknetWindows(run3, [
    dayWindow(
      '2026-01-11T00:00:00.000Z',
      86400,
      1000,
      5,
      [
        { port: 23, packets: 600 },
        { port: 2323, packets: 300 },
      ],
      judged,
    ),
    dayWindow('2026-01-11T00:00:00.000Z', 3600, 400, 3, [{ port: 23, packets: 400 }]),
    dayWindow('2026-01-12T00:00:00.000Z', 3600, 100, 2, [{ port: 23, packets: 80 }]),
    dayWindow('2026-01-12T01:00:00.000Z', 3600, 50, 1, [{ port: 80, packets: 40 }]),
  ]);
  await store.finishRun(run3, { finishedAt: '2026-01-13T00:10:00.000Z', status: 'completed', counts: {} });

  const deps: ServerDeps = {
    store,
    now: () => clock.now,
    program: {
      name: 'Test Hygiene Program',
      operator: 'Test Operator Agency',
      contact: 'notice@program.example',
      scannerAddresses: ['192.0.2.250', '192.0.2.251'],
      url: 'https://notice.example/',
    },
  };
  const ids = Object.fromEntries([...byKey].map(([key, value]) => [key, value]));
  return { store, deps, clock, ids: { ...ids, sakuraReport: sakuraReport.reportId } };
}

/**
 * The app with every default module, and a browser logged in as an operator.
 * @example const { app, operator } = await operatorSession(fixture)
 */
export async function operatorSession(fixture: DashboardFixture): Promise<{ app: App; operator: TestBrowser }> {
  await fixture.store.createWebUser({
    name: 'ops',
    role: 'operator',
    passwordHash: await hashPassword(testPassword, testScryptCost),
    createdAt: '2026-01-01T00:00:00.000Z',
  });
  const app = buildApp({ deps: fixture.deps, auth: { passwordCost: testScryptCost } });
  const operator = createBrowser(app);
  const login = await logIn(operator, 'ops');
  if (login.status !== 303) throw new Error(`operator login failed: ${login.status}`);
  return { app, operator };
}

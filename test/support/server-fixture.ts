/**
 * Test fixtures of the server (imported by *.test.ts only): a store with two ISPs whose
 * findings, reports and users mirror each other, a settable clock, and a tiny browser
 * (cookie jar, CSRF token picked from pages) for in-process requests.
 */
import type { Finding } from '../../src/core/records.ts';
import { openStore } from '../../src/store/open-store.ts';
import { buildApp, type App, type AppOptions, type InjectRequest, type InjectResponse } from '../../src/server/app.ts';
import { hashPassword, type ScryptCost } from '../../src/server/auth/password.ts';
import type { ServerDeps } from '../../src/server/route-types.ts';
import type { Store } from '../../src/store/store.ts';

/** Fast hashes for tests only: real deployments use defaultScryptCost. */
export const testScryptCost: ScryptCost = { logN: 4, r: 8, p: 1 };
export const testPassword = 'correct horse battery staple';
/** Strings a hostile device could show; they must never reach a page unescaped. */
export const hostileVendor = '<script>alert("vendor")</script>';
export const hostileBanner = '"><img src=x onerror=alert(1)>';

export interface Fixture {
  store: Store;
  clock: { now: Date };
  deps: ServerDeps;
  /** Finding ids per ISP: [0] open weak-credential, [1] open infected, [2] closed. */
  findings: { a: number[]; b: number[] };
  reports: { a: number; b: number };
  users: { operator: string; alice: string; bob: string };
}

const finding = (ip: string, kind: Finding['kind'], observedAt: string, evidence: Record<string, unknown> = {}): Finding =>
  ({
    kind,
    ip,
    port: kind === 'infected' ? 0 : 23,
    protocol: kind === 'infected' ? 'darknet' : 'telnet',
    evidence,
    observedAt,
  }) as Finding;

/**
 * @example const fixture = await createFixture(); const app = buildTestApp(fixture)
 */
export async function createFixture(): Promise<Fixture> {
  const store = await openStore(':memory:');
  const clock = { now: new Date('2025-03-01T09:00:00.000Z') };
  const at = '2025-02-01T00:00:00.000Z';
  await store.upsertIsps(
    ['a', 'b'].map((letter) => ({
      id: `isp-${letter}`,
      name: `${letter.toUpperCase()} Net`,
      asns: [letter === 'a' ? 64496 : 64497],
      prefixes: [],
      contacts: { portalUsers: [] },
      preferences: { format: 'csv', cadence: 'weekly', language: 'ja' },
      managesCustomerDevices: false,
    })),
    { at },
  );
  const ips = { a: ['192.0.2.10', '192.0.2.11', '192.0.2.12'], b: ['198.51.100.10', '198.51.100.11', '198.51.100.12'] };
  const run1 = await store.startRun({ startedAt: at, scope: ['192.0.2.0/24', '198.51.100.0/24'], exclude: [], ports: [23], checks: ['credentials'] });
  await store.recordDevices(
    run1,
    [...ips.a, ...ips.b].map((ip) => ({
      ip,
      identity: {
        vendor: ip.startsWith('192') ? hostileVendor : 'Beta Devices',
        model: `model-${ip}`,
        deviceType: 'router',
        firmwareVersion: '1.0',
        confidence: 0.9,
        evidence: [],
      },
    })),
  );
  await store.reconcileFindings(run1, {
    found: [...ips.a, ...ips.b].flatMap((ip, index) => [
      finding(ip, index % 3 === 1 ? 'infected' : 'weak-credential', at, { banner: hostileBanner, secretOf: ip }),
    ]),
    covered: [],
  });
  // A second run closes the third finding of each ISP (remediated).
  const run2 = await store.startRun({ startedAt: '2025-02-10T00:00:00.000Z', scope: [], exclude: [], ports: [23], checks: ['credentials'] });
  await store.reconcileFindings(run2, {
    found: [],
    covered: [ips.a[2]!, ips.b[2]!].map((ip) => ({ ip, port: 23, protocol: 'telnet', kind: 'weak-credential' as const })),
  });
  const rows = await store.listFindings();
  const idsOf = (list: string[]) => list.map((ip) => rows.find((row) => row.ip === ip)!.id);
  const findings = { a: idsOf(ips.a), b: idsOf(ips.b) };
  await store.recordAttributions(
    [
      ...findings.a.map((findingId) => ({ findingId, attribution: { source: 'registry' as const, ispId: 'isp-a', asn: 64496, prefix: '192.0.2.0/24' } })),
      ...findings.b.map((findingId) => ({ findingId, attribution: { source: 'registry' as const, ispId: 'isp-b', asn: 64497, prefix: '198.51.100.0/24' } })),
    ],
    { at },
  );
  const report = async (ispId: string, ids: number[]) =>
    (
      await store.createReport({
        ispId,
        audience: 'isp',
        createdAt: '2025-02-02T00:00:00.000Z',
        periodEnd: '2025-02-02T00:00:00.000Z',
        idempotencyKey: `isp/${ispId}/test`,
        findingIds: ids,
        summary: {},
        outbox: [],
      })
    ).reportId;
  const reports = { a: await report('isp-a', findings.a), b: await report('isp-b', findings.b) };
  const passwordHash = await hashPassword(testPassword, testScryptCost);
  const users = { operator: 'operator', alice: 'alice@a', bob: 'bob@b' };
  await store.createWebUser({ name: users.operator, role: 'operator', passwordHash, createdAt: at });
  await store.createWebUser({ name: users.alice, role: 'isp', ispId: 'isp-a', passwordHash, createdAt: at });
  await store.createWebUser({ name: users.bob, role: 'isp', ispId: 'isp-b', passwordHash, createdAt: at });
  const deps: ServerDeps = {
    store,
    now: () => clock.now,
    program: { name: 'Test Program', operator: 'Test Operator', contact: 'notice@program.example', scannerAddresses: ['192.0.2.250'] },
  };
  return { store, clock, deps, findings, reports, users };
}

/** @example const app = buildTestApp(fixture, { publicUrl: 'https://notice.example' }) */
export function buildTestApp(fixture: Fixture, options: Partial<AppOptions> = {}): App {
  return buildApp({ deps: fixture.deps, auth: { passwordCost: testScryptCost }, ...options });
}

/** A minimal browser for app.request: keeps cookies, knows the last CSRF token a page showed. */
export interface TestBrowser {
  cookies: Map<string, string>;
  csrf?: string;
  request(input: InjectRequest): Promise<InjectResponse>;
  /** Posts a form, adding the known CSRF token unless `csrf` is given (null: none). */
  post(url: string, fields: Record<string, string>, options?: { csrf?: string | null; headers?: Record<string, string> }): Promise<InjectResponse>;
}

/** @example const browser = createBrowser(app); await logIn(browser, 'alice@a') */
export function createBrowser(app: App): TestBrowser {
  const cookies = new Map<string, string>();
  const browser: TestBrowser = {
    cookies,
    async request(input) {
      const cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
      const response = await app.request({ ...input, headers: { ...(cookie ? { cookie } : {}), ...input.headers } });
      for (const line of response.setCookies) {
        const [pair = ''] = line.split(';');
        const [name = '', value = ''] = pair.split('=');
        if (/Max-Age=0\b/.test(line)) cookies.delete(name);
        else cookies.set(name, value);
      }
      const token = /name="csrf" value="([^"]+)"/.exec(response.text())?.[1];
      if (token) browser.csrf = token;
      return response;
    },
    post(url, fields, options = {}) {
      const csrf = options.csrf === undefined ? browser.csrf : options.csrf;
      const body = new URLSearchParams({ ...fields, ...(csrf !== null && csrf !== undefined ? { csrf } : {}) }).toString();
      return browser.request({ method: 'POST', url, body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers } });
    },
  };
  return browser;
}

/**
 * Log a browser in through the login form; resolves to the POST's response.
 * @example assert.equal((await logIn(browser, 'alice@a')).status, 303)
 */
export async function logIn(browser: TestBrowser, name: string, password = testPassword, remoteAddress?: string): Promise<InjectResponse> {
  await browser.request({ url: '/login', remoteAddress });
  const body = new URLSearchParams({ name, password, csrf: browser.csrf ?? '' }).toString();
  const response = await browser.request({
    method: 'POST',
    url: '/login',
    body,
    remoteAddress,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  // Following the redirect picks up the session's own CSRF token (every page's logout form carries it).
  if (response.status === 303) await browser.request({ url: response.headers.location! });
  return response;
}

// The scale benchmark's dashboard and portal on PostgreSQL at volume: a fresh database filled
// in SQL (test/support/postgres-volume.ts: findings, devices, attributions, events, reports,
// statistics), the web benchmark's users, then the app in its server child (bench/_web-server.ts)
// on that database. The first dashboard and statistics requests are timed alone (their figures
// are not cached yet), then each page is driven with autocannon and its server-side p95 printed.
import { openStore } from '../src/store/open-store.ts';
import type { PostgresServer } from '../test/support/postgres-server.ts';
import { fillDashboardVolume, rareVendor } from '../test/support/postgres-volume.ts';
import { autocannon, type Endpoint, logIn, ms, reconnectRate, type ServerChild, startServerChild, tableHeader, tableRow } from './_web-driver.ts';
import { createBenchAccounts } from './_web-fill.ts';

const connections = 10;
export const dashboardTargetP95Ms = 300;
/** postgres-volume's ISPs are isp-01 … isp-20; the portal is driven as one of them. */
const portalIsp = 'isp-03';

export interface DashboardFigures {
  /** Seconds the SQL fill took (with its VACUUM ANALYZE). */
  fillSeconds: number;
  /** The first, uncached requests: what a dashboard costs before its figures are counted once. */
  cold: Array<{ path: string; status: number; serverMs: number }>;
  /** Per endpoint under load: the server-side p95 in ms. */
  p95ByEndpoint: Array<{ name: string; p95: number }>;
}

function endpointsOf(someFinding: number): Endpoint[] {
  return [
    { name: 'dashboard page', path: '/dashboard', as: 'operator' },
    { name: 'dashboard summary API', path: '/api/v1/dashboard/summary', as: 'operator' },
    { name: 'drill-down: vendor, open', path: '/dashboard/findings?vendor=Vendor7&status=open', as: 'operator' },
    { name: 'drill-down: rare vendor', path: `/dashboard/findings?vendor=${rareVendor}`, as: 'operator' },
    { name: 'drill-down: ISP, closed, month', path: `/dashboard/findings?isp=${portalIsp}&status=closed&month=2025-03`, as: 'operator' },
    { name: 'drill-down: infected, month', path: '/dashboard/findings?kind=infected&month=2025-06', as: 'operator' },
    { name: 'finding page (operator)', path: `/dashboard/findings/${someFinding}`, as: 'operator' },
    { name: 'portal overview', path: '/portal', as: 'isp' },
    { name: 'portal findings', path: '/portal/findings', as: 'isp' },
    { name: 'portal findings: weak, open', path: '/portal/findings?kind=weak-credential&status=open', as: 'isp' },
    { name: 'API findings (token, 100)', path: '/api/v1/findings?limit=100', as: 'token' },
    { name: 'public statistics', path: '/statistics', as: 'public' },
  ];
}

/**
 * Fill a fresh database of `postgres` with `findings` findings, then time the web pages on it.
 * @example const figures = await measureDashboard(postgres, { findings: 10_000_000, secondsPerEndpoint: 10 })
 */
export async function measureDashboard(postgres: PostgresServer, sizes: { findings: number; secondsPerEndpoint: number }): Promise<DashboardFigures> {
  const url = await postgres.createDatabase();
  // Opening migrates the empty database; the fill then writes straight into its tables.
  const store = await openStore(url);
  let accounts: Awaited<ReturnType<typeof createBenchAccounts>>;
  const fillStarted = performance.now();
  try {
    await fillDashboardVolume(url, sizes.findings);
    accounts = await createBenchAccounts(store, portalIsp);
  } finally {
    await store.close();
  }
  const fillSeconds = (performance.now() - fillStarted) / 1000;
  process.stdout.write(`  fill: ${sizes.findings.toLocaleString('en')} findings in ${fillSeconds.toFixed(0)} s\n`);

  let server: ServerChild | undefined;
  try {
    server = await startServerChild(url);
    const base = server.url;
    const headersOf = {
      operator: { cookie: await logIn(base, accounts.operator.name, accounts.operator.password) },
      isp: { cookie: await logIn(base, accounts.isp.name, accounts.isp.password) },
      token: { authorization: `Bearer ${accounts.isp.token}` },
      public: {},
    };

    const cold: DashboardFigures['cold'] = [];
    for (const [path, as] of [
      ['/dashboard', 'operator'],
      ['/statistics', 'public'],
    ] as const) {
      const response = await fetch(`${base}${path}`, { headers: headersOf[as] });
      await response.arrayBuffer();
      const times = await server.times(path);
      cold.push({ path, status: response.status, serverMs: times.max });
      process.stdout.write(`  cold ${path}: ${response.status}, server ${ms(times.max)} ms (figures not yet counted)\n`);
    }

    const listed = (await (await fetch(`${base}/api/v1/findings?limit=1`, { headers: headersOf.token })).json()) as { findings: Array<{ id: number }> };
    const p95ByEndpoint: DashboardFigures['p95ByEndpoint'] = [];
    process.stdout.write(`\n  ${tableHeader(dashboardTargetP95Ms)}\n`);
    for (const endpoint of endpointsOf(listed.findings[0]?.id ?? 1)) {
      await server.stall();
      const result = await autocannon({
        url: `${base}${endpoint.path}`,
        connections,
        duration: sizes.secondsPerEndpoint,
        timeout: 30,
        reconnectRate,
        headers: headersOf[endpoint.as],
      });
      const times = await server.times(endpoint.path);
      const stallMs = await server.stall();
      p95ByEndpoint.push({ name: endpoint.name, p95: times.p95 });
      process.stdout.write(`  ${tableRow(endpoint.name, result, times, stallMs, dashboardTargetP95Ms)}\n`);
    }
    if (server.errors.length > 0) process.stdout.write(`  server errors (${server.errors.length}): ${server.errors.slice(0, 5).join(' | ')}\n`);
    return { fillSeconds, cold, p95ByEndpoint };
  } finally {
    await server?.stop();
  }
}

// Web benchmark: `npm run bench -- web [findings] [seconds]` (default 1,000,000 findings, at
// most 2,000,000; 10 s per endpoint). Fills a store (fillBenchStore plus _web-fill's darknet
// days, reports, remediation, feedback and users), starts the app `opennotice serve` runs in
// a child process with a stopwatch around its handler, logs in an operator and an ISP user,
// times the first (cold) dashboard, then drives each main page and API call with autocannon
// (10 connections, fixed duration) and prints, per endpoint, the server-side p50/p95 (the
// handler's own time), requests/s and the client's latency, against the target p95 < 300 ms.
// Prints figures; asserts nothing. Loopback only. `--small`: 2,000 findings, 1 s per endpoint.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/store/open-store.ts';
import { fillBenchStore } from './_fill-store.ts';
import { coldBreakdown } from './_web-cold.ts';
import { addWebExtras } from './_web-fill.ts';
import { autocannon, type Endpoint, logIn, ms, reconnectRate, type ServerChild, startServerChild, tableHeader, tableRow } from './_web-driver.ts';
import type { BenchmarkOptions } from './_benchmark.ts';
import { printTarget } from './_target.ts';

const isps = 100;
const connections = 10;
const targetP95Ms = 300;

/** The store's size and how long each endpoint is driven. */
interface WebSizes {
  findings: number;
  secondsPerEndpoint: number;
}

const smallSizes: WebSizes = { findings: 2000, secondsPerEndpoint: 1 };

/** Full mode: sizes from the command line, capped. */
function fullSizes(args: readonly string[]): WebSizes {
  return {
    findings: Math.min(2_000_000, Math.max(10_000, Math.round(Number(args[0] ?? 1_000_000)) || 1_000_000)),
    secondsPerEndpoint: Math.min(60, Math.max(1, Math.round(Number(args[1] ?? 10)) || 10)),
  };
}

/**
 * Every main page and API call under load; ends with `target: web_worst_p95_ms` (the highest
 * server-side p95 of all the endpoints driven, the runs under store changes included).
 * @example await run({ small: true, args: [] })
 */
export async function run(options: BenchmarkOptions): Promise<void> {
  const { findings, secondsPerEndpoint: seconds } = options.small ? smallSizes : fullSizes(options.args);
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-bench-web-'));
  const file = join(directory, 'web.sqlite');
  process.stdout.write(`web benchmark: ${findings.toLocaleString('en')} findings over ${isps} ISPs; ${connections} connections, ${seconds} s per endpoint\n\n`);
  let server: ServerChild | undefined;
  try {
    const fillStarted = performance.now();
    const store = await openStore(file);
    await fillBenchStore(store, { findings, isps });
    const accounts = await addWebExtras(store, { findings, isps, onStep: (text) => process.stdout.write(`  fill: ${text}\n`) });
    const stored = (await store.summary()).findings.map((row) => `${row.kind} ${row.status} ${row.count.toLocaleString('en')}`).join(', ');
    await store.close();
    process.stdout.write(`  fill: done in ${((performance.now() - fillStarted) / 1000).toFixed(0)} s; findings: ${stored}\n\n`);
    process.stdout.write('the figures a cold dashboard computes, step by step (in this process):\n');
    for (const { step, ms: took, note } of await coldBreakdown(file))
      process.stdout.write(`  ${step.padEnd(66)} ${ms(took).padStart(9)} ms${note ? `  ${note}` : ''}\n`);
    process.stdout.write('\n');

    server = await startServerChild(file);
    const base = server.url;
    const headersOf = {
      operator: { cookie: await logIn(base, accounts.operator.name, accounts.operator.password) },
      isp: { cookie: await logIn(base, accounts.isp.name, accounts.isp.password) },
      token: { authorization: `Bearer ${accounts.isp.token}` },
      public: {},
    };

    // The first dashboard computes the figures from the whole store; later ones hit the cache until the store changes.
    for (const [path, as] of [
      ['/dashboard', 'operator'],
      ['/statistics', 'public'],
    ] as const) {
      const started = performance.now();
      const response = await fetch(`${base}${path}`, { headers: headersOf[as] });
      await response.arrayBuffer();
      const client = performance.now() - started;
      const times = await server.times(path);
      process.stdout.write(`cold ${path}: ${response.status}, client ${ms(client)} ms, server ${ms(times.max)} ms\n`);
    }

    const someFinding =
      (
        (await (await fetch(`${base}/api/v1/dashboard/findings?isp=isp-042&limit=1`, { headers: headersOf.operator })).json()) as {
          findings: Array<{ id: number }>;
        }
      ).findings[0]?.id ?? 1;
    const endpoints: Endpoint[] = [
      { name: 'dashboard page', path: '/dashboard', as: 'operator' },
      { name: 'dashboard summary API', path: '/api/v1/dashboard/summary', as: 'operator' },
      { name: 'drill-down: vendor, open', path: '/dashboard/findings?vendor=Korvan&status=open', as: 'operator' },
      { name: 'drill-down: ISP, closed, month', path: '/dashboard/findings?isp=isp-042&status=closed&month=2026-02', as: 'operator' },
      { name: 'drill-down: infected, month', path: '/dashboard/findings?kind=infected&month=2026-03', as: 'operator' },
      { name: 'finding page (operator)', path: `/dashboard/findings/${someFinding}`, as: 'operator' },
      { name: 'portal overview', path: '/portal', as: 'isp' },
      { name: 'portal findings', path: '/portal/findings', as: 'isp' },
      { name: 'portal findings: firmware, open', path: '/portal/findings?kind=vulnerable-firmware&status=open', as: 'isp' },
      { name: 'API findings (token, 100)', path: '/api/v1/findings?limit=100', as: 'token' },
      { name: 'public statistics', path: '/statistics', as: 'public' },
    ];
    const drive = async (endpoint: Endpoint, clients: number) => {
      await server!.stall();
      const result = await autocannon({
        url: `${base}${endpoint.path}`,
        connections: clients,
        duration: seconds,
        timeout: 30,
        reconnectRate,
        headers: headersOf[endpoint.as],
      });
      return { result, times: await server!.times(endpoint.path), stallMs: await server!.stall() };
    };
    const missed: string[] = [];
    const p95s: number[] = [];
    const report = (name: string, { result, times, stallMs }: Awaited<ReturnType<typeof drive>>) => {
      if (!(times.p95 < targetP95Ms)) missed.push(name);
      p95s.push(times.p95);
      process.stdout.write(`${tableRow(name, result, times, stallMs, targetP95Ms)}\n`);
    };

    process.stdout.write(`\n${tableHeader(targetP95Ms)}\n`);
    for (const endpoint of endpoints) report(endpoint.name, await drive(endpoint, connections));

    // Every ISP feedback (like any store change) makes the figures stale: the dashboard must
    // not recount a million findings per request, and the other pages must not stall meanwhile.
    const feedbackTarget = (
      (await (await fetch(`${base}/api/v1/findings?limit=1`, { headers: headersOf.token })).json()) as { findings: Array<{ id: number }> }
    ).findings[0]!.id;
    const stopAt = Date.now() + seconds * 1000;
    const posting = (async () => {
      let posts = 0;
      while (Date.now() < stopAt) {
        const answer = await fetch(`${base}/api/v1/findings/${feedbackTarget}/feedback`, {
          method: 'POST',
          headers: { ...headersOf.token, 'content-type': 'application/json' },
          body: JSON.stringify({ action: 'handled', note: 'bench churn' }),
        });
        if (answer.status === 201) posts++;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      return posts;
    })();
    const [dashboard, portal] = await Promise.all([drive(endpoints[0]!, 2), drive(endpoints[7]!, connections - 2)]);
    // The two runs share the server: whichever asked first got the stall of the whole period.
    dashboard.stallMs = portal.stallMs = Math.max(dashboard.stallMs, portal.stallMs);
    process.stdout.write(`\nwhile an ISP posts feedback every second (${await posting} posts, each a store change):\n`);
    report('dashboard page (2 clients)', dashboard);
    report(`portal findings (${connections - 2} clients)`, portal);

    process.stdout.write(
      `\ntimes in ms; server = around the app's handler (store, rendering, writing the answer), client = autocannon's latency on loopback (includes queueing),\nloop stall = the longest time the server's event loop answered nothing during the run (every request arriving then waits)\n`,
    );
    process.stdout.write(missed.length === 0 ? `every endpoint meets p95 < ${targetP95Ms} ms\n` : `missed p95 < ${targetP95Ms} ms: ${missed.join(', ')}\n`);
    if (server.errors.length > 0) process.stdout.write(`server errors (${server.errors.length}): ${server.errors.slice(0, 5).join(' | ')}\n`);
    // NaN (an endpoint that answered nothing) makes the maximum NaN, and printTarget refuses it.
    printTarget('web_worst_p95_ms', Math.max(...p95s));
  } finally {
    await server?.stop();
    rmSync(directory, { recursive: true, force: true });
  }
}

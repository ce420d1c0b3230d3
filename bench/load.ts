// Load benchmark (issue 17, R7): `npm run bench -- load [findings] [seconds]` (default 200,000
// findings, 30 s). The API and the dashboard serve 50 concurrent clients — operators, ISP
// users in their browsers and an ISP's API token, spread over the main pages and calls — while
// a survey of a lab writes to the same store (the CLI in its own process, again and again until
// the load ends). Server time is measured around the app's handler in the server's own
// process (bench/_web-server.ts); errors are every failed, timed-out or non-2xx answer and
// every error the server logged. Ends with `target: load_p99_ms` (target < 500) and
// `target: load_errors` (target 0). Loopback only. `--small`: 2,000 findings, 3 s.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLab } from '../src/lab/lab.ts';
import { openStore } from '../src/store/open-store.ts';
import type { BenchmarkOptions } from './_benchmark.ts';
import { fillBenchStore } from './_fill-store.ts';
import { printTarget } from './_target.ts';
import { autocannon, type CannonResult, type Endpoint, logIn, ms, reconnectRate, startServerChild, type ServerChild } from './_web-driver.ts';
import { addWebExtras } from './_web-fill.ts';

const isps = 100;
const clients = 50;
const targetP99Ms = 500;
const labCidr = '127.208.0.0/24';
const cli = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

/** The mix: most clients on the pages people open most, each endpoint with its share of the 50. */
const mix: Array<Endpoint & { clients: number }> = [
  { name: 'dashboard page', path: '/dashboard', as: 'operator', clients: 6 },
  { name: 'dashboard summary API', path: '/api/v1/dashboard/summary', as: 'operator', clients: 4 },
  { name: 'drill-down: vendor, open', path: '/dashboard/findings?vendor=Korvan&status=open', as: 'operator', clients: 4 },
  { name: 'drill-down: infected', path: '/dashboard/findings?kind=infected', as: 'operator', clients: 4 },
  { name: 'portal overview', path: '/portal', as: 'isp', clients: 6 },
  { name: 'portal findings', path: '/portal/findings', as: 'isp', clients: 8 },
  { name: 'portal findings: weak, open', path: '/portal/findings?kind=weak-credential&status=open', as: 'isp', clients: 4 },
  { name: 'API findings (token, 100)', path: '/api/v1/findings?limit=100', as: 'token', clients: 8 },
  { name: 'public statistics', path: '/statistics', as: 'public', clients: 6 },
];

/** Surveys the lab into the store again and again until `until`, at most `maxRuns` times; what each ended with. */
async function surveyLoop(db: string, until: number, maxRuns: number): Promise<{ completed: number; failed: string[] }> {
  const failed: string[] = [];
  let completed = 0;
  for (let run = 0; run < maxRuns && Date.now() < until; run++) {
    const outcome = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [
          '--disable-warning=ExperimentalWarning',
          cli,
          'survey',
          '--target',
          labCidr,
          '--ports',
          '21,23,80,554,2323,8080',
          '--udp-ports',
          '',
          '--max-attempts-per-service',
          '40',
          '--db',
          db,
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const guard = setTimeout(() => child.kill('SIGKILL'), 300_000);
      child.once('exit', (code) => {
        clearTimeout(guard);
        resolve({ code, stderr });
      });
    });
    if (outcome.code === 0) completed++;
    else failed.push(`survey run ${run + 1} exited ${outcome.code}: ${outcome.stderr.slice(-300)}`);
  }
  return { completed, failed };
}

const problemsOf = (result: CannonResult) => result.errors + result.timeouts + result.non2xx;

/**
 * @example await run({ small: true, args: [] })
 */
export async function run(options: BenchmarkOptions): Promise<void> {
  const findings = options.small ? 2000 : Math.min(2_000_000, Math.max(10_000, Math.round(Number(options.args[0] ?? 200_000)) || 200_000));
  const seconds = options.small ? 3 : Math.min(300, Math.max(5, Math.round(Number(options.args[1] ?? 30)) || 30));
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-bench-load-'));
  const file = join(directory, 'load.sqlite');
  process.stdout.write(
    `load benchmark: ${findings.toLocaleString('en')} findings over ${isps} ISPs; ${clients} concurrent clients for ${seconds} s while a survey writes to the store\n\n`,
  );
  let server: ServerChild | undefined;
  const lab = await startLab({ cidr: labCidr, seed: 21, deviceCount: 60, hostile: false });
  try {
    const store = await openStore(file);
    await fillBenchStore(store, { findings, isps });
    const accounts = await addWebExtras(store, { findings, isps, onStep: () => undefined });
    await store.close();

    server = await startServerChild(file);
    const base = server.url;
    const headersOf = {
      operator: { cookie: await logIn(base, accounts.operator.name, accounts.operator.password) },
      isp: { cookie: await logIn(base, accounts.isp.name, accounts.isp.password) },
      token: { authorization: `Bearer ${accounts.isp.token}` },
      public: {},
    };
    // Warm the figures once, as a running server has; the load then measures steady service.
    for (const path of ['/dashboard', '/statistics'])
      await (await fetch(`${base}${path}`, { headers: path === '/dashboard' ? headersOf.operator : {} })).arrayBuffer();
    for (const endpoint of mix) await server.times(endpoint.path);
    await server.stall();

    const loadEnds = Date.now() + seconds * 1000;
    const surveying = surveyLoop(file, loadEnds, 50);
    const results = await Promise.all(
      mix.map((endpoint) =>
        autocannon({
          url: `${base}${endpoint.path}`,
          connections: endpoint.clients,
          duration: seconds,
          timeout: 30,
          reconnectRate,
          headers: headersOf[endpoint.as],
        }),
      ),
    );
    const survey = await surveying;
    const stallMs = await server.stall();
    const all = await server.times('*');

    process.stdout.write(
      `${'endpoint'.padEnd(30)} ${'clients'.padStart(7)} ${'requests'.padStart(9)} ${'server p50'.padStart(11)} ${'server p99'.padStart(11)} ${'server max'.padStart(11)} ${'errors'.padStart(7)}\n`,
    );
    let errors = 0;
    for (const [index, endpoint] of mix.entries()) {
      const result = results[index]!;
      const times = await server.times(endpoint.path);
      errors += problemsOf(result);
      process.stdout.write(
        `${endpoint.name.padEnd(30)} ${String(endpoint.clients).padStart(7)} ${String(result.requests.total).padStart(9)} ${ms(times.p50).padStart(11)} ${ms(times.p99).padStart(11)} ${ms(times.max).padStart(11)} ${String(problemsOf(result)).padStart(7)}\n`,
      );
    }
    errors += server.errors.length + survey.failed.length;
    process.stdout.write(
      `all requests: ${all.count.toLocaleString('en')} answered (${all.pending} pending), server p50 ${ms(all.p50)} ms, p99 ${ms(all.p99)} ms, max ${ms(all.max)} ms; longest event-loop stall ${ms(stallMs)} ms\n`,
    );
    process.stdout.write(
      `survey runs writing meanwhile: ${survey.completed} completed, ${survey.failed.length} failed${survey.failed.length ? ` (${survey.failed[0]})` : ''}\n`,
    );
    if (server.errors.length > 0) process.stdout.write(`server errors (${server.errors.length}): ${server.errors.slice(0, 3).join(' | ')}\n`);
    process.stdout.write(`p99 < ${targetP99Ms} ms: ${all.p99 < targetP99Ms ? 'yes' : 'NO'}; errors: ${errors}\n`);
    printTarget('load_p99_ms', all.p99);
    printTarget('load_errors', errors);
  } finally {
    await server?.stop();
    await lab.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

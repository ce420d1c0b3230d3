// Scale benchmark: `npm run bench -- scale [rate]` (default 100 new connections/s per worker).
// 1. Workers: the same lab (127.237.0.0/22 on loopback, 64 devices, 8 ports) surveyed by 1, 2 and 4 `opennotice
//    worker` processes through one PostgreSQL store and pg-boss queue, each worker held to the
//    same --rate (a real scanner is held per source address), so the work, not this machine's
//    two cores, is what scales; throughput (targets/s) and its ratio to one worker; the findings
//    must be the same whatever the worker count.
// 2. PostgreSQL write rate: 50 000 hosts (3 services, 1 finding each) through the survey's own
//    saving stage, against psql's `\copy` of the same rows into bare tables.
// 3. Dashboard and portal server-side p95 on a PostgreSQL store of 10 million findings.
// Prints figures; asserts nothing. Loopback only. `--small`: a /27 lab, 2 000 hosts, 100 000
// findings (about a minute).
// docs/benchmarks.md ("scale") has the figures measured; docs/deployment.md the sizing table from them.
import { startLabProcess, type LabProcess } from '../src/lab/lab-child-process.ts';
import type { SurveyRequest } from '../src/survey/request.ts';
import { type PostgresServer, startPostgres } from '../test/support/postgres-server.ts';
import type { BenchmarkOptions } from './_benchmark.ts';
import { dashboardTargetP95Ms, measureDashboard } from './_scale-dashboard.ts';
import { runWithWorkers, type ScaleRunFigures } from './_scale-workers.ts';
import { measureWriteRate } from './_scale-write.ts';
import { printTarget } from './_target.ts';

/** Nothing else in src, test or bench uses this loopback range, so no other lab or test can answer here. */
const labRange = { full: '127.237.0.0/22', small: '127.237.0.0/27' };
const workerCounts = [1, 2, 4] as const;

interface ScaleSizes {
  cidr: string;
  devices: number;
  ports: number[];
  shards: number;
  rate: number;
  writeHosts: number;
  findings: number;
  secondsPerEndpoint: number;
}

const smallSizes: ScaleSizes = {
  cidr: labRange.small,
  devices: 4,
  ports: [23, 80],
  shards: 4,
  rate: 100,
  writeHosts: 2000,
  findings: 100_000,
  secondsPerEndpoint: 1,
};

function fullSizes(args: readonly string[]): ScaleSizes {
  return {
    cidr: labRange.full,
    devices: 64,
    ports: [21, 22, 23, 80, 554, 1883, 2323, 8080],
    shards: 16,
    // Low enough that four workers together stay far below what two cores can drive on loopback.
    rate: Math.min(500, Math.max(10, Math.round(Number(args[0] ?? 100)) || 100)),
    writeHosts: 50_000,
    findings: 10_000_000,
    secondsPerEndpoint: 10,
  };
}

function surveyRequest(sizes: ScaleSizes): SurveyRequest {
  return {
    targets: [sizes.cidr],
    checks: ['credentials', 'firmware'],
    seed: 11,
    ports: sizes.ports,
    udpPorts: [],
    limits: {
      perHostConcurrent: 2,
      connectTimeoutMs: 1000,
      ioTimeoutMs: 2000,
      deadlineMs: 8000,
      maxBytes: 262_144,
      // Few logins per device: a host's logins run one after another, and long ones would make
      // each shard's slowest host, not the rate, set the pace.
      maxAttemptsPerService: 10,
      maxAttemptsPerHost: 30,
    },
  };
}

const percent = (share: number) => `${(share * 100).toFixed(0)}%`;

function workerRow(figures: ScaleRunFigures, reference: ScaleRunFigures, rate: number): string {
  // Every target is one connection; every service grabbed and every login tried about one more.
  const connectionsPerWorker = (figures.targets + figures.services + figures.attempts) / figures.seconds / figures.workers;
  const sameFindings = JSON.stringify(figures.findings) === JSON.stringify(reference.findings);
  return [
    String(figures.workers).padStart(7),
    figures.seconds.toFixed(1).padStart(8),
    figures.targetsPerSecond.toFixed(1).padStart(10),
    `${(figures.targetsPerSecond / reference.targetsPerSecond).toFixed(2)}×`.padStart(7),
    `${connectionsPerWorker.toFixed(0)} of ${rate}`.padStart(17),
    figures.cpuSharePerWorker.map(percent).join(' ').padEnd(16),
    figures.shardsPerWorker.join(' ').padEnd(12),
    `${figures.findings.length}${sameFindings ? ' (same)' : ' (DIFFERENT)'}`,
  ].join('  ');
}

async function measureWorkers(postgres: PostgresServer, sizes: ScaleSizes): Promise<ScaleRunFigures[]> {
  let lab: LabProcess | undefined;
  const request = surveyRequest(sizes);
  try {
    lab = await startLabProcess({ cidr: sizes.cidr, seed: 5, devices: sizes.devices, hostile: false, timeoutMs: 60_000 });
    const runs: ScaleRunFigures[] = [];
    process.stdout.write(
      `workers: lab ${sizes.cidr} (${sizes.devices} devices) × ${sizes.ports.length} ports in ${sizes.shards} shards, --rate ${sizes.rate} per worker\n`,
    );
    process.stdout.write(
      `${'workers'.padStart(7)}  ${'seconds'.padStart(8)}  ${'targets/s'.padStart(10)}  ${'ratio'.padStart(7)}  ${'conn/s per worker'.padStart(17)}  ${'CPU per worker'.padEnd(16)}  ${'shards each'.padEnd(12)}  findings\n`,
    );
    for (const workers of workerCounts) {
      const figures = await runWithWorkers(postgres, lab, workers, { request, shards: sizes.shards, rate: sizes.rate, runBoundMs: 900_000 });
      runs.push(figures);
      process.stdout.write(`${workerRow(figures, runs[0]!, sizes.rate)}\n`);
    }
    const [one] = runs;
    process.stdout.write(
      `  per run: ${one!.targets} targets, ${one!.openPorts} open ports, ${one!.services} services, ${one!.attempts} logins tried; CPU = share of one core over the run\n\n`,
    );
    return runs;
  } finally {
    await lab?.stop();
  }
}

/**
 * Workers, PostgreSQL writes and the dashboard at volume; ends with `target: scale_2_workers`,
 * `target: scale_4_workers`, `target: pg_write_vs_copy` and `target: pg_dashboard_p95_ms`.
 * @example await run({ small: true, args: [] })
 */
export async function run(options: BenchmarkOptions): Promise<void> {
  const sizes = options.small ? smallSizes : fullSizes(options.args);
  const postgres = await startPostgres();
  try {
    const runs = await measureWorkers(postgres, sizes);

    const write = await measureWriteRate(await postgres.createDatabase(), sizes.writeHosts);
    process.stdout.write(
      `PostgreSQL writes: ${write.hosts.toLocaleString('en')} hosts = ${write.serviceRows.toLocaleString('en')} services + ${write.findingRows.toLocaleString('en')} findings\n`,
    );
    process.stdout.write(`  through the store (survey saving stage): ${write.storeSeconds.toFixed(2)} s, ${write.storeRowsPerSecond.toFixed(0)} rows/s\n`);
    process.stdout.write(
      `  psql \\copy into bare tables:            ${write.copySeconds.toFixed(2)} s, ${write.copyRowsPerSecond.toFixed(0)} rows/s (psql's start included)\n\n`,
    );

    process.stdout.write(`dashboard and portal on PostgreSQL, ${sizes.findings.toLocaleString('en')} findings, ${sizes.secondsPerEndpoint} s per endpoint:\n`);
    const dashboard = await measureDashboard(postgres, { findings: sizes.findings, secondsPerEndpoint: sizes.secondsPerEndpoint });
    const worst = dashboard.p95ByEndpoint.reduce((highest, row) => (row.p95 > highest.p95 ? row : highest));
    process.stdout.write(
      `  steady state: worst server p95 ${worst.p95.toFixed(1)} ms (${worst.name}), target < ${dashboardTargetP95Ms} ms; first uncached dashboard ${dashboard.cold[0]!.serverMs.toFixed(0)} ms\n\n`,
    );

    const [one, two, four] = runs;
    printTarget('scale_2_workers', two!.targetsPerSecond / one!.targetsPerSecond);
    printTarget('scale_4_workers', four!.targetsPerSecond / one!.targetsPerSecond);
    printTarget('pg_write_vs_copy', write.storeRowsPerSecond / write.copyRowsPerSecond);
    printTarget('pg_dashboard_p95_ms', worst.p95);
  } finally {
    await postgres.stop();
  }
}

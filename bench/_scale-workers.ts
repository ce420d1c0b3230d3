// The scale benchmark's worker scaling: one lab, one PostgreSQL server; for each worker count
// K a fresh database is both the central store and the pg-boss queue, K `opennotice worker`
// processes are started (each held to the same --rate, as a real scanner is per source
// address) and wait for shards, the coordinator enqueues the same survey, and the clock runs
// from the enqueue to the run finished. Each worker's CPU time is read from /proc so the
// report shows the machine was not what limited the rate.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { importFeedFile } from '../src/assess/firmware/feeds/import.ts';
import { OpenNoticeError } from '../src/core/errors.ts';
import { startDistributedSurvey, watchDistributedSurvey } from '../src/distributed/coordinator.ts';
import { openShardQueue, type ShardQueue } from '../src/distributed/shard-queue.ts';
import type { LabProcess } from '../src/lab/lab-child-process.ts';
import { shippedProtocols } from '../src/protocols/registry.ts';
import { openStore } from '../src/store/open-store.ts';
import type { Store } from '../src/store/store.ts';
import { loadFirmwareAssessor } from '../src/survey/firmware-assessor.ts';
import type { SurveyRequest } from '../src/survey/request.ts';
import type { PostgresServer } from '../test/support/postgres-server.ts';

const cliEntry = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
/** Linux counts a process's CPU time in clock ticks of 1/100 s (USER_HZ, the same on every architecture). */
const ticksPerSecond = 100;
const workerReadyTimeoutMs = 60_000;
const workerStopTimeoutMs = 30_000;

export interface ScaleRunOptions {
  request: SurveyRequest;
  shards: number;
  /** Each worker's new connections per second. */
  rate: number;
  /** No run may take longer: a stuck queue fails the benchmark instead of hanging it. */
  runBoundMs: number;
}

export interface ScaleRunFigures {
  workers: number;
  seconds: number;
  targets: number;
  /** Ports found open, services grabbed and logins tried, from the run's totals. */
  openPorts: number;
  services: number;
  attempts: number;
  /** targets ÷ seconds. */
  targetsPerSecond: number;
  /** Shards each worker finished. */
  shardsPerWorker: number[];
  /** Each worker's CPU seconds over the run ÷ the run's seconds: the share of one core it used. */
  cpuSharePerWorker: number[];
  /** Every finding (kind ip:port/protocol), sorted: what runs with other worker counts must match. */
  findings: string[];
}

interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<void>;
}

function startWorker(url: string, rate: number): WorkerProcess {
  const child = spawn(
    process.execPath,
    ['--disable-warning=ExperimentalWarning', cliEntry, 'worker', '--queue', url, '--db', url, '--rate', String(rate), '--quiet'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, output: () => output, exited };
}

async function waitUntilWaiting(worker: WorkerProcess): Promise<void> {
  const deadline = performance.now() + workerReadyTimeoutMs;
  while (!/waiting for shards/.test(worker.output())) {
    if (worker.child.exitCode !== null) throw new OpenNoticeError('INTERNAL', 'a worker exited before it was ready', { output: worker.output() });
    if (performance.now() > deadline) throw new OpenNoticeError('INTERNAL', 'a worker was not ready in time', { output: worker.output() });
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** CPU seconds (user + system) a live process has used, from /proc/PID/stat; 0 once it is gone. */
function cpuSecondsOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    // Fields after the command name (which may hold spaces, hence the last ')'): utime is the 12th, stime the 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(')').at(-1)!.trim().split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return 0;
  }
}

async function stopWorkers(workers: readonly WorkerProcess[]): Promise<void> {
  for (const worker of workers) if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGTERM');
  await Promise.all(
    workers.map((worker) =>
      Promise.race([
        worker.exited,
        new Promise<void>((resolve) =>
          setTimeout(() => {
            worker.child.kill('SIGKILL');
            resolve();
          }, workerStopTimeoutMs),
        ),
      ]),
    ),
  );
}

async function findingsOf(store: Store): Promise<string[]> {
  return (await store.listFindings({})).map((row) => `${row.kind} ${row.ip}:${row.port}/${row.protocol}`).sort();
}

/**
 * One distributed survey of the lab by `workers` worker processes, into a fresh database.
 * @example const figures = await runWithWorkers(postgres, lab, 2, { request, shards: 16, rate: 80, runBoundMs: 600_000 })
 */
export async function runWithWorkers(postgres: PostgresServer, lab: LabProcess, workers: number, options: ScaleRunOptions): Promise<ScaleRunFigures> {
  const url = await postgres.createDatabase();
  const store = await openStore(url);
  const processes: WorkerProcess[] = [];
  let queue: ShardQueue | undefined;
  // Workers are processes of their own: they are stopped first, whatever failed, then the queue and store closed.
  try {
    await importFeedFile(store, lab.feedFile);
    queue = await openShardQueue({ url, monitorSeconds: 2 });
    for (let index = 0; index < workers; index++) processes.push(startWorker(url, options.rate));
    await Promise.all(processes.map(waitUntilWaiting));
    const cpuBefore = processes.map((worker) => cpuSecondsOf(worker.child.pid));
    const deps = { store, queue, protocols: shippedProtocols, firmware: () => loadFirmwareAssessor(store) };
    const started = performance.now();
    const { runId } = await startDistributedSurvey(options.request, { shards: options.shards }, deps);
    const result = await watchDistributedSurvey(runId, deps, { signal: AbortSignal.timeout(options.runBoundMs), pollMs: 100 });
    const seconds = (performance.now() - started) / 1000;
    const cpuShare = processes.map((worker, index) => (cpuSecondsOf(worker.child.pid) - cpuBefore[index]!) / seconds);
    if (result.status !== 'completed')
      throw new OpenNoticeError('QUEUE_FAILED', `the run with ${workers} workers ended ${result.status}`, { progress: result.progress });
    const counts = (await store.getRun(runId))?.counts ?? {};
    const targets = counts.targets ?? 0;
    return {
      workers,
      seconds,
      targets,
      openPorts: counts.openPorts ?? 0,
      services: counts.services ?? 0,
      attempts: counts.attempts ?? 0,
      targetsPerSecond: targets / seconds,
      shardsPerWorker: processes.map((worker) => (worker.output().match(/: done, \d+ targets/g) ?? []).length),
      cpuSharePerWorker: cpuShare,
      findings: await findingsOf(store),
    };
  } finally {
    await stopWorkers(processes);
    await queue?.close();
    await store.close();
  }
}

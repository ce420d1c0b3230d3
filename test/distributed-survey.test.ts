// A distributed survey: a coordinator puts shards of one run on a real pg-boss queue (a real
// PostgreSQL server on 127.0.0.1), worker processes survey them into one central PostgreSQL store, and the
// result is the one-process survey's. A worker killed with SIGKILL loses its shard to another
// after the lease; an opt-out approved between shards is honoured by the next shard.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { importFeedFile } from '../src/assess/firmware/feeds/import.ts';
import { createSurveyDeps } from '../src/cli/survey-deps.ts';
import { loadFirmwareAssessor } from '../src/survey/firmware-assessor.ts';
import { startDistributedSurvey, watchDistributedSurvey, type DistributedResult } from '../src/distributed/coordinator.ts';
import { openShardQueue, type LeaseOptions, type ShardQueue } from '../src/distributed/shard-queue.ts';
import { runSurveyWorker } from '../src/distributed/worker.ts';
import { startLabProcess, type LabProcess } from '../src/lab/lab-child-process.ts';
import { shippedProtocols } from '../src/protocols/registry.ts';
import { shardAddressList } from '../src/scope/address-shards.ts';
import { AddressSet } from '../src/scope/cidr.ts';
import { ipv4AddressList } from '../src/scope/targets.ts';
import { openStore } from '../src/store/open-store.ts';
import type { Store } from '../src/store/store.ts';
import type { SurveyRequest } from '../src/survey/request.ts';
import { runSurvey } from '../src/survey/run-survey.ts';
import { type PostgresServer, startPostgres } from './support/postgres-server.ts';

const cidr = '127.141.0.0/24';
const cliEntry = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const request: SurveyRequest = {
  targets: [cidr],
  checks: ['credentials', 'firmware'],
  seed: 11,
  ports: [21, 22, 23, 80, 554, 1883, 2323, 8080],
  udpPorts: [],
  limits: {
    perHostConcurrent: 2,
    connectTimeoutMs: 1000,
    ioTimeoutMs: 2000,
    deadlineMs: 8000,
    maxBytes: 262_144,
    maxAttemptsPerService: 40,
    maxAttemptsPerHost: 100,
  },
};
/** The shortest lease pg-boss allows, so a killed worker's shard is taken over within the test's bounds. */
const lease: LeaseOptions = { leaseSeconds: 10, maxShardSeconds: 600, retryLimit: 5 };
/** No run may take longer than this: a stuck queue fails the test instead of hanging it. */
const runBoundMs = 150_000;

let postgres: PostgresServer;
let lab: LabProcess;
let directory: string;
/** The one-process survey of the lab every distributed run is compared with. */
let reference: { findings: string[]; devices: string[] };

/** A central store with the lab's vulnerability feed, as the firmware check needs. */
async function storeWithFeed(file: string): Promise<Store> {
  const store = await openStore(file);
  await importFeedFile(store, lab.feedFile);
  return store;
}

/** What two surveys of the same lab must agree on: each finding, and each device's identity. */
async function resultsOf(store: Store): Promise<{ findings: string[]; devices: string[] }> {
  const findings = (await store.listFindings({})).map((row) => `${row.kind} ${row.ip}:${row.port}/${row.protocol}`).sort();
  const devices = (await store.listDevices()).map((row) => `${row.ip} ${row.vendor ?? '?'} ${row.model ?? '?'}`).sort();
  return { findings, devices };
}

/** Each finding opened once, and nothing else happened to it: no survey of a host counted twice. */
async function assertOpenedOnce(store: Store, runId: number): Promise<void> {
  const findings = await store.listFindings({});
  const events = await store.listFindingEvents({ runId });
  assert.deepEqual(
    events.map((event) => event.event).filter((event) => event !== 'opened'),
    [],
  );
  assert.equal(events.length, findings.length, 'one "opened" event per finding');
  assert.equal(new Set(events.map((event) => event.findingId)).size, findings.length);
}

function startWorkerProcess(
  queueUrl: string,
  db: string,
  extra: readonly string[] = [],
): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', cliEntry, 'worker', '--queue', queueUrl, '--db', db, '--quiet', ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Resolves when the worker has printed a line matching `pattern`; rejects when it exits or after `timeoutMs`. */
async function waitForOutput(worker: ReturnType<typeof startWorkerProcess>, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!pattern.test(worker.output())) {
    if (worker.child.exitCode !== null) throw new Error(`the worker exited before ${pattern}: ${worker.output()}`);
    if (performance.now() > deadline) throw new Error(`no ${pattern} from the worker in ${timeoutMs} ms: ${worker.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function stopWorkers(workers: ReadonlyArray<ReturnType<typeof startWorkerProcess>>): Promise<void> {
  for (const worker of workers) if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGTERM');
  await Promise.all(
    workers.map((worker) =>
      Promise.race([
        worker.exited,
        new Promise((resolve) => setTimeout(resolve, 40_000)).then(() => {
          worker.child.kill('SIGKILL');
        }),
      ]),
    ),
  );
}

async function distributedRun(
  shards: number,
  work: (queueUrl: string, db: string, runId: number) => Promise<void>,
): Promise<{ store: Store; result: DistributedResult; queue: ShardQueue }> {
  // The central store is PostgreSQL and the queue lives in the same database (pg-boss in its own
  // schema), as docs/deployment.md describes; each run gets a database of its own, as each
  // central store needs its own queue (run ids are the store's).
  const db = await postgres.createDatabase();
  const queueUrl = db;
  const store = await storeWithFeed(db);
  const queue = await openShardQueue({ url: queueUrl, monitorSeconds: 2 });
  const deps = { store, queue, protocols: shippedProtocols, firmware: () => loadFirmwareAssessor(store) };
  const started = await startDistributedSurvey(request, { shards, lease }, deps);
  assert.equal(started.shards, shards);
  await work(queueUrl, db, started.runId);
  const result = await watchDistributedSurvey(started.runId, deps, { signal: AbortSignal.timeout(runBoundMs), pollMs: 250 });
  return { store, result, queue };
}

// The lab, the queue's server and the one-process reference survey: bounded like the tests.
before(
  async () => {
    directory = mkdtempSync(join(tmpdir(), 'opennotice-distributed-'));
    postgres = await startPostgres();
    lab = await startLabProcess({ cidr, seed: 3, devices: 40, hostile: false, timeoutMs: 60_000 });
    const store = await storeWithFeed(join(directory, 'reference.sqlite'));
    try {
      const summary = await runSurvey(request, createSurveyDeps({ store }));
      assert.equal(summary.status, 'completed');
      reference = await resultsOf(store);
      assert.ok(reference.findings.length >= 5, `the lab has weak devices to find (${reference.findings.length})`);
      assert.ok(
        reference.findings.some((line) => line.startsWith('vulnerable-firmware ')),
        'the lab has vulnerable firmware, which the coordinator assesses once every shard is done',
      );
    } finally {
      await store.close();
    }
  },
  { timeout: 180_000 },
);

after(async () => {
  await lab?.stop();
  await postgres?.stop();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

test('three worker processes survey the shards of one run and find what one process finds', { timeout: 240_000 }, async () => {
  const workers: Array<ReturnType<typeof startWorkerProcess>> = [];
  const { store, result, queue } = await distributedRun(6, async (queueUrl, db) => {
    for (let worker = 0; worker < 3; worker++) workers.push(startWorkerProcess(queueUrl, db));
  });
  try {
    assert.equal(result.status, 'completed', JSON.stringify(result.progress));
    assert.deepEqual(result.progress.shards, { total: 6, waiting: 0, leased: 0, done: 6, failed: 0 });
    assert.deepEqual(await resultsOf(store), reference);
    await assertOpenedOnce(store, result.runId);
    const run = await store.getRun(result.runId);
    assert.equal(run?.status, 'completed');
    assert.equal(run?.counts.targets, 256 * request.ports!.length, 'every target probed once over all shards');
    const tookShards = workers.filter((worker) => /done, \d+ targets/.test(worker.output())).length;
    assert.ok(tookShards >= 2, `the shards were shared between workers (${tookShards} of 3 did some)`);
  } finally {
    await stopWorkers(workers);
    await queue.close();
    await store.close();
  }
});

/** Runs the CLI to its end (bounded); its exit code and output. */
async function cli(args: readonly string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', cliEntry, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

test('on the command line: survey --distributed --detach enqueues, a worker surveys, --watch finishes the run', { timeout: 240_000 }, async () => {
  // The queue defaults to the --db URL when that is PostgreSQL.
  const db = await postgres.createDatabase();
  await (await storeWithFeed(db)).close();
  const queueUrl = db;
  const limits = request.limits!;
  const started = await cli(
    [
      'survey',
      '--distributed',
      '--detach',
      '--db',
      db,
      '--target',
      cidr,
      '--seed',
      String(request.seed),
      '--ports',
      request.ports!.join(','),
      '--udp-ports',
      '',
      '--check',
      'credentials',
      '--check',
      'firmware',
      '--shards',
      '4',
      '--lease',
      '10',
      '--per-host',
      String(limits.perHostConcurrent),
      '--connect-timeout',
      String(limits.connectTimeoutMs),
      '--io-timeout',
      String(limits.ioTimeoutMs),
      '--deadline',
      String(limits.deadlineMs),
      '--max-bytes',
      String(limits.maxBytes),
      '--max-attempts-per-service',
      String(limits.maxAttemptsPerService),
      '--max-attempts-per-host',
      String(limits.maxAttemptsPerHost),
    ],
    60_000,
  );
  assert.equal(started.code, 0, started.stderr);
  const runId = Number(started.stdout.trim());
  assert.ok(Number.isInteger(runId) && runId > 0, `the run id is printed: ${started.stdout}`);
  assert.match(started.stderr, /256 addresses in 4 shards/);
  const worker = startWorkerProcess(queueUrl, db, ['--max-shards', '4']);
  try {
    const watched = await cli(['survey', '--distributed', '--watch', String(runId), '--db', db, '--json'], runBoundMs);
    assert.equal(watched.code, 0, watched.stderr);
    const result = JSON.parse(watched.stdout) as DistributedResult;
    assert.equal(result.status, 'completed');
    assert.equal(result.progress.shards.done, 4);
    assert.match(watched.stderr, /run \d+: shards 4\/4 done/);
    assert.equal(await worker.exited, 0, 'the worker stops after its --max-shards');
    assert.match(worker.output(), /stopped after 4 shards \(0 handed back\): 2048 targets/);
    const store = await openStore(db);
    try {
      assert.equal((await store.getRun(runId))?.status, 'completed');
      assert.deepEqual(await resultsOf(store), reference);
      await assertOpenedOnce(store, runId);
    } finally {
      await store.close();
    }
  } finally {
    await stopWorkers([worker]);
  }
});

test('a worker killed with SIGKILL mid-shard loses the shard to another after the lease; nothing is lost or counted twice', { timeout: 240_000 }, async () => {
  const workers: Array<ReturnType<typeof startWorkerProcess>> = [];
  const { store, result, queue } = await distributedRun(3, async (queueUrl, db) => {
    // A slow first worker, so its second shard is surely in hand when it is killed.
    const doomed = startWorkerProcess(queueUrl, db, ['--rate', '100']);
    workers.push(doomed);
    await waitForOutput(doomed, /shard \d\/3: done/, 60_000);
    await waitForOutput(doomed, /(shard \d\/3: taken[\s\S]*){2}/, 30_000);
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    workers.push(startWorkerProcess(queueUrl, db));
  });
  try {
    assert.equal(result.status, 'completed', JSON.stringify(result.progress));
    assert.equal(result.progress.shards.done, 3);
    assert.ok(result.progress.retries >= 1, "the killed worker's shard was taken again");
    assert.match(workers[1]!.output(), /taken \(attempt 2\)/, 'the second worker took over the killed shard');
    assert.deepEqual(await resultsOf(store), reference);
    await assertOpenedOnce(store, result.runId);
  } finally {
    await stopWorkers(workers);
    await queue.close();
    await store.close();
  }
});

test('a worker stopped with SIGTERM hands its shard back at once, and another finishes it', { timeout: 240_000 }, async () => {
  const workers: Array<ReturnType<typeof startWorkerProcess>> = [];
  let stoppedCode: number | null = null;
  const { store, result, queue } = await distributedRun(2, async (queueUrl, db) => {
    const stopping = startWorkerProcess(queueUrl, db, ['--rate', '100']);
    workers.push(stopping);
    await waitForOutput(stopping, /shard \d\/2: taken/, 60_000);
    stopping.child.kill('SIGTERM');
    stoppedCode = await stopping.exited;
    workers.push(startWorkerProcess(queueUrl, db));
  });
  try {
    assert.equal(stoppedCode, 0, workers[0]!.output());
    assert.match(workers[0]!.output(), /handed back \(the worker is stopping\)/);
    assert.equal(result.status, 'completed', JSON.stringify(result.progress));
    assert.ok(result.progress.retries >= 1, 'the handed-back shard was taken again');
    assert.deepEqual(await resultsOf(store), reference);
    await assertOpenedOnce(store, result.runId);
  } finally {
    await stopWorkers(workers);
    await queue.close();
    await store.close();
  }
});

test('an opt-out approved while a distributed survey runs is honoured by the next shard', { timeout: 240_000 }, async () => {
  const shardCount = 2;
  // The reference's weak devices in the second shard, as the coordinator's permutation cuts it.
  const secondShard = new Set(
    Array.from({ length: 128 }, (_, index) =>
      shardAddressList(ipv4AddressList(AddressSet.fromCidrs([cidr])), request.seed!, { index: 1, count: shardCount }).addressAt(index),
    ),
  );
  const optedOut = [...new Set(reference.findings.map((line) => line.split(' ')[1]!.split(':')[0]!))].filter((ip) => secondShard.has(ip)).slice(0, 3);
  assert.ok(optedOut.length > 0, 'the second shard has weak devices to opt out');
  const { store, result, queue } = await distributedRun(shardCount, async (queueUrl, db, runId) => {
    const workerStore = await openStore(db);
    const workerQueue = await openShardQueue({ url: queueUrl, monitorSeconds: 2 });
    try {
      const surveyDeps = (hooks: Parameters<Parameters<typeof runSurveyWorker>[0]['surveyDeps']>[0]) => createSurveyDeps({ store: workerStore, ...hooks });
      const signal = AbortSignal.timeout(runBoundMs);
      const taken: number[] = [];
      const onEvent = (event: Parameters<NonNullable<Parameters<typeof runSurveyWorker>[0]['onEvent']>>[0]) => {
        if (event.kind === 'shard-done') taken.push(event.shard.index);
      };
      await runSurveyWorker({ queue: workerQueue, surveyDeps, signal, maxShards: 1, onEvent, pollSeconds: 0.5 });
      assert.equal(taken.length, 1, 'the first worker did one shard');
      if (taken[0] === 1) throw new Error('the first worker took the second shard first; the opt-out would come too late to test');
      const id = await workerStore.createOptOutRequest({
        cidrs: optedOut.map((ip) => `${ip}/32`),
        contact: 'noc@example.net',
        reason: 'our cameras',
        requestedAt: new Date().toISOString(),
        requesterAddress: '127.0.0.1',
      });
      await workerStore.decideOptOutRequest(id, { status: 'approved', at: new Date().toISOString(), by: 'ops' });
      await runSurveyWorker({ queue: workerQueue, surveyDeps, signal, maxShards: 1, onEvent, pollSeconds: 0.5 });
      assert.deepEqual(taken, [0, 1]);
      assert.ok(runId > 0);
    } finally {
      await workerQueue.close();
      await workerStore.close();
    }
  });
  try {
    assert.equal(result.status, 'completed', JSON.stringify(result.progress));
    const contacted = new Set((await store.listServices()).map((service) => service.ip));
    for (const ip of optedOut) assert.ok(!contacted.has(ip), `${ip} opted out mid-run and was not surveyed`);
    const expected = reference.findings.filter((line) => !optedOut.includes(line.split(' ')[1]!.split(':')[0]!));
    assert.deepEqual((await resultsOf(store)).findings, expected, 'every other finding, in both shards, as one process finds them');
  } finally {
    await queue.close();
    await store.close();
  }
});

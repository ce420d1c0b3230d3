/**
 * A survey worker for the kill harness: a distributed survey of a small lab is enqueued in
 * three shards on a real pg-boss queue in a real PostgreSQL central store; one `worker` process
 * takes them (`--max-shards 3`, so it ends when they are done) and is killed with SIGKILL
 * anywhere. Recovery is what an operator does: start a worker again and let the coordinator
 * watch the run to its end (the killed worker's shard is taken again after its lease). The
 * store must then hold what an uninterrupted worker leaves: the same findings, services and
 * devices, each finding opened once and nothing else done to it, the run completed.
 * The harness names stores by file; here each name stands for a PostgreSQL database of its own,
 * created afresh for every first run.
 */
import { startDistributedSurvey, watchDistributedSurvey } from '../../src/distributed/coordinator.ts';
import { type LeaseOptions, openShardQueue } from '../../src/distributed/shard-queue.ts';
import { shippedProtocols } from '../../src/protocols/registry.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { SurveyRequest } from '../../src/survey/request.ts';
import { assertCompleted, type KillScenario, runCli } from './kill-harness.ts';
import type { PostgresServer } from './postgres-server.ts';

const shards = 3;
/** The shortest lease pg-boss allows: a killed worker's shard goes to another 10 s after its last heartbeat. */
const lease: LeaseOptions = { leaseSeconds: 10, maxShardSeconds: 600, retryLimit: 5 };
/** A run not done by then fails the point instead of hanging it. */
const watchBoundMs = 150_000;

function surveyRequest(cidr: string): SurveyRequest {
  return {
    targets: [cidr],
    checks: ['credentials'],
    seed: 11,
    ports: [21, 23, 80, 2323, 8080],
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
}

/** Opens the central store and its queue (the same database), runs `use`, closes both. */
async function withCoordinator<T>(url: string, use: (deps: Parameters<typeof watchDistributedSurvey>[1]) => Promise<T>): Promise<T> {
  const store = await openStore(url);
  try {
    // A short monitor: an expired lease is noticed within 2 s, not the default 10.
    const queue = await openShardQueue({ url, monitorSeconds: 2 });
    try {
      return await use({ store, queue, protocols: shippedProtocols });
    } finally {
      await queue.close();
    }
  } finally {
    await store.close();
  }
}

/**
 * @example const scenario = workerScenario(postgres, '127.209.128.0/24'); await killAnywhere(scenario, { directory, prepared: emptyFile, points: 2, seed: 7 })
 */
export function workerScenario(postgres: PostgresServer, cidr: string): KillScenario {
  const runs = new Map<string, { url: string; runId: number }>();
  const workerArgs = (url: string, extra: readonly string[] = []) => ['worker', '--queue', url, '--db', url, '--quiet', ...extra];
  const runOf = (name: string) => {
    const run = runs.get(name);
    if (!run) throw new Error(`no distributed run was started for ${name}`);
    return run;
  };
  return {
    name: 'survey worker',
    recoverAfterReference: true,
    firstRun: async (name, killAfterMs) => {
      const url = await postgres.createDatabase();
      const { runId } = await withCoordinator(url, (deps) => startDistributedSurvey(surveyRequest(cidr), { shards, lease }, deps));
      runs.set(name, { url, runId });
      const result = await runCli(workerArgs(url, ['--max-shards', String(shards)]), killAfterMs === undefined ? {} : { killAfterMs });
      return killAfterMs === undefined ? assertCompleted(result, 'worker') : result;
    },
    // The coordinator's watch finishes the run once every shard is done (for the reference too).
    recover: async (name) => {
      const { url, runId } = runOf(name);
      let finished = false;
      // An idle worker has nothing in hand: ending it once the run is done loses nothing.
      const worker = runCli(workerArgs(url), { killWhen: () => finished });
      try {
        const result = await withCoordinator(url, (deps) => watchDistributedSurvey(runId, deps, { signal: AbortSignal.timeout(watchBoundMs), pollMs: 250 }));
        if (result.status !== 'completed') throw new Error(`run ${runId} ended ${result.status}: ${JSON.stringify(result.progress)}`);
      } finally {
        finished = true;
        await worker;
      }
    },
    snapshot: async (name) => {
      const { url, runId } = runOf(name);
      const store = await openStore(url);
      try {
        const findings = await store.listFindings();
        const nameOf = new Map(findings.map((row) => [row.id, `${row.kind} ${row.ip}:${row.port}/${row.protocol}`]));
        return {
          run: (await store.getRun(runId))?.status,
          findings: findings.map((row) => `${nameOf.get(row.id)} ${row.status}`).sort(),
          // One 'opened' per finding and nothing else: no host's survey saved twice.
          events: (await store.listFindingEvents({ runId })).map((event) => `${nameOf.get(event.findingId)} ${event.event}`).sort(),
          services: (await store.listServices()).map((row) => `${row.ip}:${row.port} ${row.protocol} ${row.status}`).sort(),
          devices: (await store.listDevices()).map((row) => `${row.ip} ${row.vendor ?? '?'} ${row.model ?? '?'}`).sort(),
        };
      } finally {
        await store.close();
      }
    },
  };
}

import { runSurveyWorker } from '../../distributed/worker.ts';
import { createWorkerTally, type WorkerEvent } from '../../distributed/worker-events.ts';
import { openShardQueue } from '../../distributed/shard-queue.ts';
import { surveyLimitBounds } from '../../survey/limit-policy.ts';
import { openAuditedStore } from '../audited-store.ts';
import { defineCommand, integerOption, listOption } from '../command.ts';
import { queueUrlOf } from '../distributed-survey.ts';
import { createSurveyDeps } from '../survey-deps.ts';
import { createQueueMetrics } from '../../metrics/queue.ts';
import { createSurveyMetrics } from '../../metrics/survey.ts';
import { registerStoreCounts } from '../../metrics/store-counts.ts';
import { observabilityOptions, openObservability } from '../observability.ts';
import { recordWorkerMetrics } from '../worker-metrics.ts';

/** A line about a shard: "run 7 shard 3/16". */
function shardName(event: WorkerEvent): string {
  return `run ${event.shard.runId} shard ${event.shard.index + 1}/${event.shard.count}`;
}

export default defineCommand({
  name: 'worker',
  summary: 'Take shards of distributed surveys from the job queue and survey them from this machine (docs/deployment.md).',
  usage: '--queue URL --db FILE|URL [--source-address ADDRESS ...] [--rate N] [--plan FILE] [--max-shards N]',
  details: `Runs until stopped. Each shard is surveyed with this machine's source addresses (among the
plan's published ones) at this machine's rate (the plan's caps still win), and its results go to
the central store (--db). Approved opt-outs are read again before every shard.
SIGTERM or Ctrl-C: the shard in hand stops, its saved hosts are kept, and it goes back on the
queue for another worker. A worker killed outright loses its shard after the run's lease.`,
  options: {
    queue: { type: 'string', valueName: 'URL', description: 'postgres:// URL of the job queue (default: --db when it is a postgres:// URL)' },
    db: { type: 'string', valueName: 'FILE', description: 'the central store', default: 'opennotice.sqlite' },
    'source-address': {
      type: 'string',
      multiple: true,
      valueName: 'ADDRESS',
      description: "this machine's source addresses, among the plan's published ones (default: all of the plan's)",
    },
    rate: { type: 'string', valueName: 'N', description: "this worker's new connections per second (the run's and the plan's caps win)" },
    plan: { type: 'string', valueName: 'FILE', description: "where the run's plan is on this machine, if not at the coordinator's path (same SHA-256)" },
    'max-shards': { type: 'string', valueName: 'N', description: 'stop after N shards done (default: run until stopped)' },
    quiet: { type: 'boolean', description: 'only the lines of shards taken, done and handed back' },
    ...observabilityOptions,
  },
  async run(values, _positionals, io) {
    const db = String(values.db);
    const rate = integerOption(values.rate, 'rate', surveyLimitBounds.connectionsPerSecond);
    const maxShards = integerOption(values['max-shards'], 'max-shards', { min: 1, max: Number.MAX_SAFE_INTEGER });
    const store = await openAuditedStore(db); // runs, attempts, deliveries and decisions go into the audit trail
    let watch: Awaited<ReturnType<typeof openObservability>> | undefined;
    try {
      watch = await openObservability('worker', values, io.stderr);
      const queue = await openShardQueue({ url: queueUrlOf(values.queue, db) });
      // With --metrics-listen: the queue's depth and this worker's leases, and each shard's survey counts.
      const recordMetrics = watch.registry ? recordWorkerMetrics(createQueueMetrics(watch.registry), queue) : undefined;
      const surveyMetrics = watch.registry ? createSurveyMetrics(watch.registry) : undefined;
      // The central store's findings and outbox, as serve shows them (docs/operations.md, "Monitoring").
      if (watch.registry) registerStoreCounts(watch.registry, store);
      let lastProgressAt = 0;
      const tally = createWorkerTally();
      const print = (event: WorkerEvent) => {
        tally.add(event);
        recordMetrics?.(event);
        if (event.kind === 'shard-started') io.stderr.write(`${shardName(event)}: taken${event.attempt > 0 ? ` (attempt ${event.attempt + 1})` : ''}\n`);
        else if (event.kind === 'shard-returned') io.stderr.write(`${shardName(event)}: handed back (${event.reason})\n`);
        else if (event.kind === 'shard-done') {
          const findings = Object.values(event.outcome.findings).reduce((total, count) => total + (count ?? 0), 0);
          io.stdout.write(
            `${shardName(event)}: done, ${event.outcome.targets} targets, ${event.outcome.hosts} hosts, ${findings} findings in ${(event.outcome.elapsedMs / 1000).toFixed(1)} s\n`,
          );
        } else if (!values.quiet && performance.now() - lastProgressAt > 5000) {
          lastProgressAt = performance.now();
          io.stderr.write(`${shardName(event)}: ${event.progress.phase} ${event.progress.done}/${event.progress.total}, ${event.progress.findings} findings\n`);
        }
      };
      io.stderr.write(`worker ${process.pid}: waiting for shards\n`);
      try {
        await runSurveyWorker({
          queue,
          signal: io.signal,
          surveyDeps: (hooks) => ({ ...createSurveyDeps({ store, ...hooks }), ...(surveyMetrics ? { metrics: surveyMetrics } : {}) }),
          sourceAddresses: listOption(values['source-address']),
          ...(rate === undefined ? {} : { connectionsPerSecond: rate }),
          ...(values.plan === undefined ? {} : { planFile: values.plan }),
          ...(maxShards === undefined ? {} : { maxShards }),
          onEvent: print,
        });
      } finally {
        await queue.close();
      }
      const done = tally.read();
      io.stderr.write(
        `worker ${process.pid}: stopped after ${done.shardsDone} shards (${done.shardsReturned} handed back): ${done.targets} targets, ${done.hosts} hosts, ${done.findings} findings\n`,
      );
      return 0;
    } finally {
      await watch?.close();
      await store.close();
    }
  },
});

/**
 * `opennotice survey --distributed`: the coordinator's side on the command line — start the
 * run and put its shards on the queue, then show progress over all workers until the run is
 * done (or return at once with --detach; pick a run up again with --watch RUN).
 */
import { loadFirmwareAssessor } from '../survey/firmware-assessor.ts';
import { OpenNoticeError } from '../core/errors.ts';
import { shippedProtocols } from '../protocols/registry.ts';
import type { Store } from '../store/store.ts';
import type { SurveyRequest } from '../survey/request.ts';
import { type DistributedProgress, type DistributedResult, startDistributedSurvey, watchDistributedSurvey } from '../distributed/coordinator.ts';
import { defaultLease, openShardQueue } from '../distributed/shard-queue.ts';
import { integerOption, type CommandIo, type OptionSpecs, type OptionValues } from './command.ts';

export const distributedOptionSpecs = {
  distributed: { type: 'boolean', description: 'split the survey into shards on a job queue for `opennotice worker`s (docs/deployment.md)' },
  queue: { type: 'string', valueName: 'URL', description: 'postgres:// URL of the job queue (default: --db when it is a postgres:// URL)' },
  shards: { type: 'string', valueName: 'N', description: 'shards to split the addresses into (default: 64, fewer for a small scope)' },
  lease: {
    type: 'string',
    valueName: 'SECONDS',
    description: `a worker silent this long loses its shard to another (at least 10; default ${defaultLease.leaseSeconds})`,
  },
  detach: { type: 'boolean', description: 'with --distributed: enqueue the shards and return; follow later with --watch RUN' },
  watch: { type: 'string', valueName: 'RUN', description: 'with --distributed: show the progress of a distributed run and finish it when its shards are done' },
} as const satisfies OptionSpecs;

export type DistributedOptionValues = OptionValues<typeof distributedOptionSpecs>;

/**
 * The queue URL: --queue, else the store's URL when the store is PostgreSQL.
 * @example queueUrlOf(undefined, 'postgres://db/opennotice') // 'postgres://db/opennotice'
 */
export function queueUrlOf(queue: string | undefined, db: string): string {
  if (queue !== undefined) return queue;
  if (/^postgres(ql)?:\/\//.test(db)) return db;
  throw new OpenNoticeError('USAGE', 'a distributed survey needs a job queue: --queue postgres://… (or a PostgreSQL --db, which is then used)');
}

function describe(progress: DistributedProgress): string {
  const { shards } = progress;
  return `run ${progress.runId}: shards ${shards.done}/${shards.total} done, ${shards.leased} leased, ${shards.waiting} waiting${shards.failed > 0 ? `, ${shards.failed} FAILED` : ''}${progress.retries > 0 ? ` (${progress.retries} retries)` : ''}; ${progress.targets} targets, ${progress.hosts} hosts, ${progress.findings} findings`;
}

/**
 * Run the coordinator for the survey command.
 * @example return runDistributedSurvey(request, values, store, 'opennotice.sqlite', io)
 */
export async function runDistributedSurvey(
  request: SurveyRequest,
  values: DistributedOptionValues & { json?: boolean; quiet?: boolean },
  store: Store,
  db: string,
  io: CommandIo,
): Promise<number> {
  const queueUrl = queueUrlOf(values.queue, db);
  const queue = await openShardQueue({ url: queueUrl });
  try {
    const deps = { store, queue, protocols: shippedProtocols, firmware: () => loadFirmwareAssessor(store) };
    let runId = integerOption(values.watch, 'watch', { min: 1, max: Number.MAX_SAFE_INTEGER });
    if (runId === undefined) {
      const lease = integerOption(values.lease, 'lease', { min: 10, max: 24 * 3600 });
      const shards = integerOption(values.shards, 'shards', { min: 1, max: 10_000 });
      const started = await startDistributedSurvey(
        request,
        { ...(shards === undefined ? {} : { shards }), lease: { ...defaultLease, ...(lease === undefined ? {} : { leaseSeconds: lease }) } },
        deps,
      );
      runId = started.runId;
      if (started.settings.optOutRanges.length > 0) io.stderr.write(`excluding ${started.settings.optOutRanges.length} opted-out ranges\n`);
      io.stderr.write(
        `run ${runId}: ${started.addresses} addresses in ${started.shards} shards on the queue; workers take them with: opennotice worker --queue URL --db ${db}\n`,
      );
      if (values.detach) {
        io.stdout.write(values.json ? `${JSON.stringify({ runId, shards: started.shards, addresses: started.addresses })}\n` : `${runId}\n`);
        return 0;
      }
    }
    let last = '';
    const result: DistributedResult = await watchDistributedSurvey(runId, deps, {
      signal: io.signal,
      ...(request.closeAfterMisses === undefined ? {} : { closeAfterMisses: request.closeAfterMisses }),
      onProgress: (progress) => {
        const line = describe(progress);
        if (!values.quiet && line !== last) io.stderr.write(`${line}\n`);
        last = line;
      },
    });
    io.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : `run ${runId} ${result.status}: ${describe(result.progress)}\n`);
    if (result.status === 'detached') {
      io.stderr.write(`the workers go on; follow again with: opennotice survey --distributed --watch ${runId}\n`);
      return 130;
    }
    return result.status === 'completed' ? 0 : 1;
  } finally {
    await queue.close();
  }
}

/**
 * What travels on the queue of a distributed survey: a shard job (which run, which shard, and
 * the parts of the coordinator's request the run record does not keep) and, when a worker
 * completes it, the shard's outcome. Both are JSON in PostgreSQL that another machine (perhaps
 * another opennotice version) wrote, so each is checked field by field on receipt.
 */
import { OpenNoticeError } from '../core/errors.ts';
import { findingKinds } from '../core/finding-kinds.ts';
import type { FindingKind } from '../core/records.ts';
import { type RequestableCheck, requestableChecks, type SurveyLimits, type SurveyRequest } from '../survey/request.ts';

/** Bumped when a job's shape changes, so an old worker refuses a new job instead of misreading it. */
export const shardJobVersion = 1;

/**
 * The coordinator's request, less what the run record keeps (scope, exclusions, ports, seed,
 * checks are read from the run by every worker, as a resumed run does). Paths name files every
 * worker machine must have at the same place (the plan is checked by its SHA-256).
 */
export type ShardRequest = Pick<
  SurveyRequest,
  'plan' | 'hitList' | 'udpPorts' | 'limits' | 'dictionary' | 'rules' | 'userAgent' | 'closeAfterMisses' | 'resolverCheckName'
>;

export interface ShardJob {
  version: typeof shardJobVersion;
  runId: number;
  index: number;
  count: number;
  /** The run's seed, for the operator reading the queue; the run record is what workers use. */
  seed: number;
  /** The checks the run makes, likewise for reading. */
  checks: RequestableCheck[];
  request: ShardRequest;
}

/** What a worker reports when it completes a shard (stored as the job's output). */
export interface ShardOutcome {
  /** Which worker: host name and process id. */
  worker: string;
  targets: number;
  openPorts: number;
  hosts: number;
  services: number;
  identified: number;
  attempts: number;
  findings: Partial<Record<FindingKind, number>>;
  elapsedMs: number;
}

const limitNames: ReadonlyArray<keyof SurveyLimits> = [
  'connectionsPerSecond',
  'maxConcurrent',
  'perHostConcurrent',
  'connectTimeoutMs',
  'ioTimeoutMs',
  'deadlineMs',
  'maxBytes',
  'maxProbes',
  'udpRetries',
  'maxAttemptsPerService',
  'maxAttemptsPerHost',
];

/** Reads one untrusted JSON value; every failure names the field. */
class JsonReader {
  private readonly what: string;
  private readonly value: unknown;

  constructor(what: string, value: unknown) {
    this.what = what;
    this.value = value;
  }

  private fail(field: string, expected: string): never {
    throw new OpenNoticeError('QUEUE_FAILED', `${this.what}: ${field} must be ${expected}`, { field });
  }

  object(field: string, value: unknown = this.value): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(field, 'an object');
    return value as Record<string, unknown>;
  }

  integer(field: string, value: unknown, min = 0): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) this.fail(field, `an integer ≥ ${min}`);
    return value;
  }

  optionalString(field: string, value: unknown): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'string') this.fail(field, 'text');
    return value;
  }

  optionalList<T>(field: string, value: unknown, item: (entry: unknown, field: string) => T): T[] | undefined {
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) this.fail(field, 'a list');
    return value.map((entry, position) => item(entry, `${field}[${position}]`));
  }
}

/**
 * A shard job as pg-boss hands it over, checked.
 * @example const job = parseShardJob(pgBossJob.data) // throws QUEUE_FAILED naming the bad field
 */
export function parseShardJob(data: unknown): ShardJob {
  const read = new JsonReader('shard job', data);
  const job = read.object('job');
  if (job.version !== shardJobVersion) {
    throw new OpenNoticeError(
      'QUEUE_FAILED',
      `shard job version ${String(job.version)} is not ${shardJobVersion}: run the same opennotice version as the coordinator`,
    );
  }
  const count = read.integer('count', job.count, 1);
  const index = read.integer('index', job.index);
  if (index >= count) throw new OpenNoticeError('QUEUE_FAILED', `shard job: index ${index} is not below count ${count}`);
  const checks = read.optionalList('checks', job.checks, (entry, field) => {
    if (!(requestableChecks as readonly unknown[]).includes(entry)) throw new OpenNoticeError('QUEUE_FAILED', `shard job: ${field} is not a known check`);
    return entry as RequestableCheck;
  });
  return {
    version: shardJobVersion,
    runId: read.integer('runId', job.runId, 1),
    index,
    count,
    seed: read.integer('seed', job.seed),
    checks: checks ?? [],
    request: parseShardRequest(read, read.object('request', job.request)),
  };
}

function parseShardRequest(read: JsonReader, request: Record<string, unknown>): ShardRequest {
  const text = (entry: unknown, field: string) => read.optionalString(field, entry) ?? '';
  const parsed: ShardRequest = {};
  const plan = read.optionalString('request.plan', request.plan);
  if (plan !== undefined) parsed.plan = plan;
  const hitList = read.optionalString('request.hitList', request.hitList);
  if (hitList !== undefined) parsed.hitList = hitList;
  const dictionary = read.optionalString('request.dictionary', request.dictionary);
  if (dictionary !== undefined) parsed.dictionary = dictionary;
  const userAgent = read.optionalString('request.userAgent', request.userAgent);
  if (userAgent !== undefined) parsed.userAgent = userAgent;
  const resolverCheckName = read.optionalString('request.resolverCheckName', request.resolverCheckName);
  if (resolverCheckName !== undefined) parsed.resolverCheckName = resolverCheckName;
  const rules = read.optionalList('request.rules', request.rules, text);
  if (rules !== undefined) parsed.rules = rules;
  const udpPorts = read.optionalList('request.udpPorts', request.udpPorts, (entry, field) => read.integer(field, entry, 1));
  if (udpPorts !== undefined) parsed.udpPorts = udpPorts;
  if (request.closeAfterMisses !== undefined) parsed.closeAfterMisses = read.integer('request.closeAfterMisses', request.closeAfterMisses, 1);
  if (request.limits !== undefined) {
    const limits = read.object('request.limits', request.limits);
    const known: SurveyLimits = {};
    for (const name of limitNames) if (limits[name] !== undefined) known[name] = read.integer(`request.limits.${name}`, limits[name]);
    const unknown = Object.keys(limits).filter((name) => !(limitNames as readonly string[]).includes(name));
    if (unknown.length > 0) throw new OpenNoticeError('QUEUE_FAILED', `shard job: unknown limit ${unknown.join(', ')}`);
    parsed.limits = known;
  }
  return parsed;
}

/**
 * A completed job's output, checked (a job completed by something else reads as undefined).
 * @example const outcome = parseShardOutcome(job.output)
 */
export function parseShardOutcome(output: unknown): ShardOutcome | undefined {
  try {
    const read = new JsonReader('shard outcome', output);
    const outcome = read.object('outcome');
    const found = read.object('findings', outcome.findings);
    const findings: Partial<Record<FindingKind, number>> = {};
    for (const kind of findingKinds) if (found[kind] !== undefined) findings[kind] = read.integer(`findings.${kind}`, found[kind]);
    return {
      worker: read.optionalString('worker', outcome.worker) ?? '',
      targets: read.integer('targets', outcome.targets),
      openPorts: read.integer('openPorts', outcome.openPorts),
      hosts: read.integer('hosts', outcome.hosts),
      services: read.integer('services', outcome.services),
      identified: read.integer('identified', outcome.identified),
      attempts: read.integer('attempts', outcome.attempts),
      findings,
      elapsedMs: read.integer('elapsedMs', outcome.elapsedMs),
    };
  } catch (error) {
    if (error instanceof OpenNoticeError) return undefined;
    throw error;
  }
}

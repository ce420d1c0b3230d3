import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OpenNoticeError } from '../core/errors.ts';
import { parseShardJob, parseShardOutcome, shardJobVersion, type ShardJob } from './shard-job.ts';

const job: ShardJob = {
  version: shardJobVersion,
  runId: 7,
  index: 2,
  count: 16,
  seed: 9,
  checks: ['credentials'],
  request: { plan: 'plan.yaml', udpPorts: [161], limits: { connectionsPerSecond: 50, ioTimeoutMs: 1500 }, rules: ['/srv/recog'], closeAfterMisses: 2 },
};

test('a shard job survives the queue as JSON', () => {
  assert.deepEqual(parseShardJob(JSON.parse(JSON.stringify(job))), job);
});

test('a malformed shard job is refused, naming the field', () => {
  const bad = (data: unknown, field: RegExp) =>
    assert.throws(
      () => parseShardJob(data),
      (error: unknown) => error instanceof OpenNoticeError && error.code === 'QUEUE_FAILED' && field.test(error.message),
    );
  bad({ ...job, version: 2 }, /version 2/);
  bad({ ...job, index: 16 }, /index 16 is not below count 16/);
  bad({ ...job, runId: '7' }, /runId/);
  bad({ ...job, checks: ['shell'] }, /checks\[0\]/);
  bad({ ...job, request: { ...job.request, limits: { connectionsPerSecond: -1 } } }, /limits\.connectionsPerSecond/);
  bad({ ...job, request: { ...job.request, limits: { rateOfFire: 9 } } }, /unknown limit rateOfFire/);
  bad({ ...job, request: { ...job.request, rules: [3] } }, /rules\[0\]/);
  bad(null, /job must be an object/);
});

test('a shard outcome is read back, and output that is not one reads as none', () => {
  const outcome = {
    worker: 'w:1',
    targets: 10,
    openPorts: 3,
    hosts: 2,
    services: 3,
    identified: 2,
    attempts: 40,
    findings: { 'weak-credential': 2 },
    elapsedMs: 900,
  };
  assert.deepEqual(parseShardOutcome(JSON.parse(JSON.stringify(outcome))), outcome);
  assert.equal(parseShardOutcome({ message: 'handler failed' }), undefined);
});

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { OpenNoticeError } from '../core/errors.ts';
import { shippedProtocols } from '../protocols/registry.ts';
import { openStore } from '../store/open-store.ts';
import { resolveSurvey } from './policy.ts';
import { runStartOf } from './run-survey.ts';

const now = () => new Date('2026-12-06T00:00:00Z');
const addressesOf = (list: { size: number; addressAt(index: number): string }) => Array.from({ length: list.size }, (_, index) => list.addressAt(index));

test("a shard is cut from the run's scope as started; an opt-out approved since is still never allowed", async () => {
  const store = await openStore(':memory:');
  try {
    const context = { store, protocols: shippedProtocols, now };
    const started = await resolveSurvey({ targets: ['127.142.0.0/28'], seed: 5, udpPorts: [] }, context);
    const runId = await store.startRun({ ...runStartOf(started), startedAt: now().toISOString() });
    const before = await resolveSurvey({ shard: { runId, index: 1, count: 3 } }, context);
    assert.equal(before.resumeRunId, runId);
    assert.deepEqual(before.shard, { index: 1, count: 3 });
    assert.equal(before.seed, 5, "the run's seed");

    const optedOut = addressesOf(before.addresses.addresses)[0]!;
    const id = await store.createOptOutRequest({
      cidrs: [`${optedOut}/32`],
      contact: 'noc@example.net',
      reason: 'ours',
      requestedAt: now().toISOString(),
      requesterAddress: '127.0.0.1',
    });
    await store.decideOptOutRequest(id, { status: 'approved', at: now().toISOString(), by: 'ops' });
    const after = await resolveSurvey({ shard: { runId, index: 1, count: 3 } }, context);
    assert.deepEqual(addressesOf(after.addresses.addresses), addressesOf(before.addresses.addresses), 'the same shard, so shards stay disjoint');
    assert.equal(after.scope.allows(optedOut), false, 'the dialer refuses the opted-out address');
    assert.ok(after.optOutRanges.includes(`${optedOut}/32`));
  } finally {
    await store.close();
  }
});

test("a worker's source addresses must be among the plan's published ones", async () => {
  const store = await openStore(':memory:');
  const dir = mkdtempSync(join(tmpdir(), 'opennotice-policy-shard-'));
  try {
    const plan = join(dir, 'plan.yaml');
    writeFileSync(
      plan,
      `operator: { name: Jane Doe, organisation: CSIRT, contact: jane@example.net, transparencyUrl: https://survey.example.net/ }
authorization: T-1
validFrom: 2026-01-01
validUntil: 2027-12-31
sourceAddresses: [127.0.0.1, 127.0.0.2]
ranges: [127.142.0.0/24]
checks: [discovery, identify]
rates: { connectionsPerSecond: 50, maxConcurrent: 20, perHostConcurrent: 2 }
`,
    );
    // This worker's machine has only one of the plan's addresses.
    const context = { store, protocols: shippedProtocols, now, localAddresses: () => ['127.0.0.2'] };
    const own = await resolveSurvey({ plan, sourceAddresses: ['127.0.0.2'], udpPorts: [] }, context);
    assert.deepEqual(own.sourceAddresses, ['127.0.0.2']);
    await assert.rejects(
      resolveSurvey({ plan, sourceAddresses: ['127.0.0.9'], udpPorts: [] }, context),
      (error: unknown) =>
        error instanceof OpenNoticeError && error.code === 'PLAN_INVALID' && /127\.0\.0\.9 is not among the plan's published/.test(error.message),
    );
    await assert.rejects(
      resolveSurvey({ plan, udpPorts: [] }, context),
      (error: unknown) => error instanceof OpenNoticeError && /source address 127\.0\.0\.1 is not configured on this host/.test(error.message),
      "without its own addresses a worker needs all of the plan's",
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await store.close();
  }
});

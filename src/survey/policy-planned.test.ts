import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { OpenNoticeError } from '../core/errors.ts';
import { shippedProtocols } from '../protocols/registry.ts';
import { openStore } from '../store/open-store.ts';
import { resolveSurvey } from './policy.ts';
import { planSurveyProbes } from './probe-planner/survey-probes.ts';
import { runStartOf } from './run-survey.ts';

const now = () => new Date('2026-12-06T00:00:00Z');

test('a planned round sweeps the same space a full sweep would, opt-outs and hit list included, and cannot be resumed', async () => {
  const store = await openStore(':memory:');
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-planned-'));
  try {
    const context = { store, protocols: shippedProtocols, now };
    const id = await store.createOptOutRequest({
      cidrs: ['127.153.10.0/30'],
      contact: 'noc@example.net',
      reason: 'ours',
      requestedAt: now().toISOString(),
      requesterAddress: '127.0.0.1',
    });
    await store.decideOptOutRequest(id, { status: 'approved', at: now().toISOString(), by: 'ops' });
    const request = { targets: ['127.153.10.0/28'], ports: [23, 80], udpPorts: [], discovery: { kind: 'planned-probes' as const, budget: { share: 1 } } };
    const settings = await resolveSurvey(request, context);
    assert.deepEqual(settings.discovery, { kind: 'planned', budget: { share: 1 }, fromHitList: false });
    assert.equal(settings.addresses.addresses.size, 12, 'the /28 without the opted-out /30');
    const plan = await planSurveyProbes(store, settings, shippedProtocols);
    assert.equal(plan.probes.length, 24, 'every address on every port, at a share of 100 %');
    assert.ok(plan.probes.every((probe) => settings.scope.allows(probe.ip)));

    const hitList = join(directory, 'hits.txt');
    writeFileSync(hitList, '127.153.10.5\n127.153.10.9\n127.153.10.1\n');
    const listed = await resolveSurvey({ ...request, hitList }, context);
    assert.equal(listed.discovery.kind === 'planned' && listed.discovery.fromHitList, true);
    const listedPlan = await planSurveyProbes(store, listed, shippedProtocols);
    assert.deepEqual(new Set(listedPlan.probes.map((probe) => probe.ip)), new Set(['127.153.10.5', '127.153.10.9']), 'the hit list in scope, nothing else');

    const runId = await store.startRun({ ...runStartOf(settings), startedAt: now().toISOString() });
    await assert.rejects(
      resolveSurvey({ ...request, resume: runId }, context),
      (error: unknown) => error instanceof OpenNoticeError && error.code === 'USAGE' && /cannot be resumed/.test(error.message),
    );
  } finally {
    rmSync(directory, { recursive: true, force: true });
    await store.close();
  }
});

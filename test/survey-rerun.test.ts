// Re-surveys: fixed devices close their findings, returning ones reopen, and an
// interrupted run resumes without redoing or duplicating work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SurveyRequest } from '../src/survey/request.ts';
import { createSurveyDeps } from '../src/cli/survey-deps.ts';
import { startLab } from '../src/lab/lab.ts';
import { openStore } from '../src/store/open-store.ts';
import { runSurvey } from '../src/survey/run-survey.ts';
import { scoreCredentialFindings } from '../src/lab/score-against-truth.ts';

const request = (cidr: string): SurveyRequest => ({
  targets: [cidr],
  checks: ['credentials'],
  // The default ports: the lab's devices listen on many of them, some services moved between them.
  seed: 9,
  limits: {
    perHostConcurrent: 2,
    connectTimeoutMs: 1000,
    ioTimeoutMs: 1500,
    deadlineMs: 5000,
    maxBytes: 262_144,
    maxAttemptsPerService: 40,
    maxAttemptsPerHost: 100,
  },
});

test('devices gone from the network close their findings; devices back reopen them', async () => {
  const cidr = '127.204.0.0/24';
  const labOptions = { cidr, seed: 5, deviceCount: 80, hostile: false };
  const store = await openStore(':memory:');
  let lab = await startLab(labOptions);
  try {
    const first = await runSurvey(request(cidr), createSurveyDeps({ store }));
    const opened = first.reconciliation.opened;
    assert.ok(opened > 0, 'the small lab has weak devices');
    assert.equal(scoreCredentialFindings(lab.truth, await store.listFindings({ status: 'open' })).recall, 1);
    await lab.close();

    const gone = await runSurvey(request(cidr), createSurveyDeps({ store }));
    assert.equal(gone.openPorts, 0);
    assert.equal(gone.reconciliation.closed, opened, 'every finding on a now-closed port is closed');
    assert.equal((await store.listFindings({ status: 'open' })).length, 0);
    const closed = await store.listFindings({ status: 'closed' });
    assert.ok(closed.every((row) => row.closedRunId === gone.runId));

    lab = await startLab(labOptions);
    const back = await runSurvey(request(cidr), createSurveyDeps({ store }));
    assert.equal(back.reconciliation.reopened, opened);
    assert.equal(back.reconciliation.opened, 0, 'the same findings come back, not new ones');
    assert.equal((await store.listFindings({})).length, opened, 'no duplicates after three runs');
  } finally {
    await lab.close();
    await store.close();
  }
});

test('an interrupted survey saves what it did and --resume finishes it without duplicates', async () => {
  const cidr = '127.205.0.0/24';
  const lab = await startLab({ cidr, seed: 6, deviceCount: 120, hostile: false });
  const store = await openStore(':memory:');
  try {
    const controller = new AbortController();
    const config = { ...request(cidr), limits: { ...request(cidr).limits, maxConcurrent: 40 } };
    const interrupted = await runSurvey(config, {
      ...createSurveyDeps({ store, signal: controller.signal }),
      onProgress: (progress) => {
        if (progress.phase === 'assessment' && progress.done >= 20) controller.abort();
      },
    });
    assert.equal(interrupted.status, 'interrupted');
    assert.equal((await store.getRun(interrupted.runId))?.status, 'interrupted');
    const savedHosts = new Set((await store.listServices()).map((service) => service.ip));
    assert.ok(savedHosts.size >= 20 && savedHosts.size < lab.truth.devices.length, `saved ${savedHosts.size} hosts`);

    const resumed = await runSurvey({ ...request(cidr), resume: interrupted.runId }, createSurveyDeps({ store }));
    assert.equal(resumed.runId, interrupted.runId);
    assert.equal(resumed.status, 'completed');
    assert.equal(resumed.hosts, lab.truth.devices.length - savedHosts.size, 'saved hosts are not surveyed again');
    const findings = await store.listFindings({ status: 'open' });
    const score = scoreCredentialFindings(lab.truth, findings);
    assert.equal(score.recall, 1);
    assert.equal(score.precision, 1);
    assert.equal(new Set(findings.map((row) => `${row.kind} ${row.ip}:${row.port}`)).size, findings.length);
  } finally {
    await lab.close();
    await store.close();
  }
});

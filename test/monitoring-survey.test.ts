// A survey as Prometheus and a log shipper see it: the lab on loopback surveyed with a metrics
// registry, its /metrics endpoint scraped over HTTP; and `opennotice survey --log-format json`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSurveyDeps } from '../src/cli/survey-deps.ts';
import { startLab } from '../src/lab/lab.ts';
import { startMetricsEndpoint } from '../src/metrics/endpoint.ts';
import { createMetricsRegistry } from '../src/metrics/registry.ts';
import { createSurveyMetrics } from '../src/metrics/survey.ts';
import { openStore } from '../src/store/open-store.ts';
import { runSurvey } from '../src/survey/run-survey.ts';
import { startCli } from './support/cli-process.ts';
import { parseExposition } from './support/prometheus-text.ts';

const limits = {
  perHostConcurrent: 2,
  connectTimeoutMs: 1000,
  ioTimeoutMs: 1500,
  deadlineMs: 5000,
  maxBytes: 262_144,
  maxAttemptsPerService: 40,
  maxAttemptsPerHost: 100,
};

test('a survey of the lab: the scraped counters equal what the run did and what the store holds', { timeout: 180_000 }, async () => {
  const cidr = '127.233.0.0/24';
  const lab = await startLab({ cidr, seed: 11, deviceCount: 30, hostile: false });
  const store = await openStore(':memory:');
  const registry = createMetricsRegistry({ command: 'survey', version: 'test' });
  const endpoint = await startMetricsEndpoint({ registry, host: '127.0.0.1', port: 0 });
  try {
    const summary = await runSurvey(
      { targets: [cidr], checks: ['credentials'], seed: 3, limits },
      { ...createSurveyDeps({ store }), metrics: createSurveyMetrics(registry) },
    );
    const metrics = parseExposition(await (await fetch(endpoint.url)).text());

    assert.ok(summary.targets > 0 && summary.services > 0);
    assert.equal(metrics.value('opennotice_survey_run_id'), summary.runId);
    assert.equal(metrics.value('opennotice_survey_targets_done_total', { transport: 'tcp' }), summary.targets);
    if (summary.udp) assert.equal(metrics.value('opennotice_survey_targets_done_total', { transport: 'udp' }), summary.udp.targets);
    assert.equal(metrics.value('opennotice_survey_hosts_done_total'), summary.hosts);

    const grabsByStatus: Record<string, number> = {};
    for (const sample of metrics.all('opennotice_survey_grabs_total'))
      grabsByStatus[sample.labels.status!] = (grabsByStatus[sample.labels.status!] ?? 0) + sample.value;
    assert.deepEqual(grabsByStatus, summary.servicesByStatus, 'grab outcomes by status are the services the run stored, by status');

    const found = await store.listFindings({ runId: summary.runId });
    assert.ok(found.length > 0, 'the lab has weak devices');
    const foundByKind: Record<string, number> = {};
    for (const row of found) foundByKind[row.kind] = (foundByKind[row.kind] ?? 0) + 1;
    const scrapedByKind = Object.fromEntries(metrics.all('opennotice_survey_findings_total').map((sample) => [sample.labels.kind!, sample.value]));
    assert.deepEqual(scrapedByKind, foundByKind, 'findings by kind equal the store');

    const dialed = metrics.all('opennotice_dialer_connections_total').reduce((sum, sample) => sum + sample.value, 0);
    assert.ok(dialed >= summary.targets, 'every probed target was a connection the dialer made');
    assert.equal(metrics.value('opennotice_dialer_connections_open'), 0, 'nothing is left open after the run');
    assert.equal(metrics.value('opennotice_survey_phase', { phase: 'done' }), 1);
    assert.equal(metrics.value('opennotice_survey_phase', { phase: 'discovery' }), 0);
    for (const sample of metrics.samples) {
      for (const value of Object.values(sample.labels)) assert.doesNotMatch(value, /^127\./, `${sample.name} has no address label`);
    }
  } finally {
    await endpoint.close();
    await store.close();
    await lab.close();
  }
});

test('survey --log-format json: every stderr line is a JSON object naming the command and the run; the summary stays on stdout', {
  timeout: 180_000,
}, async () => {
  const cidr = '127.234.0.0/24';
  const lab = await startLab({ cidr, seed: 12, deviceCount: 10, hostile: false });
  try {
    const survey = startCli([
      'survey',
      '--target',
      cidr,
      '--db',
      ':memory:',
      '--seed',
      '4',
      '--json',
      '--log-format',
      'json',
      '--metrics-listen',
      '127.0.0.1:0',
    ]);
    const code = await survey.exited;
    assert.equal(code, 0, survey.stderrLines.join('\n'));
    const summary = JSON.parse(survey.stdoutLines.join('\n')) as { runId: number; targets: number; services: number };
    const lines = survey.stderrLines.filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const line of lines) {
      assert.equal(line.command, 'survey');
      assert.equal(typeof line.msg, 'string');
      assert.equal(typeof line.level, 'string');
      assert.ok(!Number.isNaN(Date.parse(String(line.time))));
    }
    const events = lines.map((line) => line.event);
    assert.ok(events.includes('metrics-listening'));
    const started = events.indexOf('run-started');
    assert.ok(started >= 0);
    for (const line of lines.slice(started)) assert.equal(line.runId, summary.runId, `${String(line.event)} names the run`);
    assert.ok(lines.some((line) => line.event === 'progress' && line.phase === 'discovery'));
    const finished = lines.find((line) => line.event === 'run-finished')!;
    assert.deepEqual([finished.status, finished.targets, finished.services], ['completed', summary.targets, summary.services]);
  } finally {
    await lab.close();
  }
});

// `opennotice serve` as an operator monitors it: a real server process on loopback, its /metrics
// listener scraped over HTTP, and its JSON log lines on stderr.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/store/open-store.ts';
import { finding, reportInput, startRun, weak } from './store-conformance/fixtures.ts';
import { startCli } from './support/cli-process.ts';
import { parseExposition } from './support/prometheus-text.ts';

const delivery = (key: string) => ({ channel: 'smtp' as const, destination: 'abuse@alpha.example', idempotencyKey: key, payload: '{}' });

test('serve --metrics-listen: findings and the outbox backlog as the store holds them, requests by route and status; JSON logs', {
  timeout: 60_000,
}, async () => {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-monitoring-serve-'));
  const db = join(directory, 'store.sqlite');
  const store = await openStore(db);
  const runId = await startRun(store, '2026-02-01T00:00:00.000Z');
  await store.reconcileFindings(runId, {
    found: [
      weak('192.0.2.1', '2026-02-01T00:01:00.000Z'),
      weak('192.0.2.2', '2026-02-01T00:01:00.000Z'),
      finding('infected', '192.0.2.3', 0, 'darknet', '2026-02-01T00:01:00.000Z'),
    ],
    covered: [],
  });
  await store.createReport(reportInput('alpha', '2026-02-02T00:00:00.000Z', [], { outbox: [delivery('a'), delivery('b')] }));
  const expectedFindings = (await store.summary()).findings;
  await store.close();

  const serve = startCli(['serve', '--db', db, '--port', '0', '--metrics-listen', '127.0.0.1:0', '--log-format', 'json']);
  try {
    const site = /web server on (http:\/\/[^\s,]+)/.exec(await serve.waitForLine('stdout', (line) => line.includes('web server on')))![1]!;
    const listening = JSON.parse(await serve.waitForLine('stderr', (line) => line.includes('"metrics-listening"'))) as { url: string };
    assert.match(listening.url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);

    assert.equal((await fetch(`${site}/login`)).status, 200);
    for (const path of ['/no-such-page', '/findings/12345/whatever']) assert.equal((await fetch(`${site}${path}`)).status, 404);
    assert.equal((await fetch(`${site}/metrics`)).status, 404, 'the public site does not serve the metrics');

    const response = await fetch(listening.url);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const metrics = parseExposition(await response.text());

    assert.ok(expectedFindings.length === 2);
    for (const row of expectedFindings)
      assert.equal(metrics.value('opennotice_findings', { kind: row.kind, status: row.status }), row.count, `${row.kind}/${row.status}`);
    assert.equal(metrics.all('opennotice_findings').length, expectedFindings.length, 'no finding count the store does not hold');
    assert.equal(metrics.value('opennotice_outbox_entries', { status: 'pending' }), 2);
    assert.equal(metrics.value('opennotice_outbox_entries', { status: 'delivered' }), 0);
    assert.ok(metrics.value('opennotice_outbox_oldest_due_seconds')! > 0, 'the deliveries were due in the past and still wait');

    assert.equal(metrics.value('opennotice_http_requests_total', { route: '/login', method: 'GET', status: '200' }), 1);
    assert.equal(
      metrics.value('opennotice_http_requests_total', { route: 'unmatched', method: 'GET', status: '404' }),
      3,
      'paths asked for never become labels',
    );
    assert.equal(metrics.types.get('opennotice_http_requests_total'), 'counter');
    assert.equal(metrics.value('opennotice_build_info', { command: 'serve' }), 1);
    assert.equal(metrics.all('opennotice_errors_total').length, 0, 'no error was logged');
    assert.ok(metrics.value('process_resident_memory_bytes')! > 0, 'the process metrics are there too');

    assert.equal((await fetch(listening.url.replace('/metrics', '/other'))).status, 404);
  } finally {
    const code = await serve.stop();
    rmSync(directory, { recursive: true, force: true });
    assert.equal(code, 0, serve.stderrLines.join('\n'));
  }
  const lines = serve.stderrLines.filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.ok(lines.length >= 2);
  for (const line of lines) {
    assert.equal(line.command, 'serve');
    assert.equal(typeof line.msg, 'string');
    assert.ok(['debug', 'info', 'warn', 'error'].includes(String(line.level)), String(line.level));
    assert.ok(!Number.isNaN(Date.parse(String(line.time))), 'an ISO time');
  }
  assert.ok(lines.some((line) => line.event === 'listening'));
});

test('serve refuses a metrics address off loopback unless allowed, and says so in JSON', { timeout: 30_000 }, async () => {
  const serve = startCli(['serve', '--db', ':memory:', '--port', '0', '--metrics-listen', '192.0.2.1:9464', '--log-format', 'json']);
  const code = await serve.exited;
  assert.equal(code, 2);
  const failure = JSON.parse(serve.stderrLines.find((line) => line.includes('command-failed'))!) as {
    level: string;
    error: { code: string; context: { host: string } };
  };
  assert.equal(failure.level, 'error');
  assert.equal(failure.error.code, 'USAGE');
  assert.equal(failure.error.context.host, '192.0.2.1');
});

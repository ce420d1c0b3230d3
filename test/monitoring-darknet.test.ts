// The darknet runs as Prometheus sees them: a file ingest's counters against its summary, and a
// live capture (tcpdump on lo) scraped while it runs, with its JSON log lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestCaptureFiles } from '../src/darknet/ingest-run.ts';
import { generateDarknetCapture } from '../src/lab/darknet/generate.ts';
import { createDarknetMetrics } from '../src/metrics/darknet.ts';
import { startMetricsEndpoint } from '../src/metrics/endpoint.ts';
import { createMetricsRegistry } from '../src/metrics/registry.ts';
import { openStore } from '../src/store/open-store.ts';
import { startCli } from './support/cli-process.ts';
import { parseExposition } from './support/prometheus-text.ts';
import { sendUdpDatagrams } from './support/udp-sender.ts';

test('darknet ingest: packets, windows by length and infected findings scraped equal the run summary', { timeout: 120_000 }, async () => {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-monitoring-ingest-'));
  const store = await openStore(join(directory, 'store.sqlite'));
  const registry = createMetricsRegistry({ command: 'darknet', version: 'test' });
  const endpoint = await startMetricsEndpoint({ registry, host: '127.0.0.1', port: 0 });
  try {
    const survey = await store.startRun({ startedAt: '2026-01-01T00:00:00.000Z', scope: ['127.77.0.0/16'], exclude: [], ports: [23], checks: ['credentials'] });
    await store.finishRun(survey, { finishedAt: '2026-01-01T00:10:00.000Z', status: 'completed', counts: {} });
    const file = join(directory, 'day.pcapng');
    const start = Date.UTC(2026, 0, 1) * 1000;
    const truth = await generateDarknetCapture({
      file,
      format: 'pcapng',
      darknet: '127.200.0.0/16',
      durationSeconds: 6 * 3600,
      seed: 5,
      scale: 1,
      infectedSources: ['127.77.3.4'],
      startMicros: start,
    });
    const summary = await ingestCaptureFiles([file], {
      store,
      darknet: '127.200.0.0/16',
      researchRanges: truth.researchRanges,
      metrics: createDarknetMetrics(registry),
    });
    const metrics = parseExposition(await (await fetch(endpoint.url)).text());

    assert.ok(summary.packets > 0);
    assert.equal(metrics.value('opennotice_darknet_packets_total'), summary.packets);
    assert.equal(metrics.value('opennotice_darknet_run_id'), summary.runId);
    assert.equal(metrics.value('opennotice_darknet_windows_written_total', { period: 'hour' }), summary.windows.hours);
    assert.equal(metrics.value('opennotice_darknet_windows_written_total', { period: 'day' }), summary.windows.days);
    assert.equal(metrics.value('opennotice_darknet_infected_findings_total', { change: 'opened' }), summary.findings.opened);
    assert.ok(summary.findings.opened >= 1, 'the surveyed bot became a finding');
    assert.equal(metrics.value('opennotice_darknet_drdos_attacks_total') ?? 0, summary.attacks);
    const newest = metrics.value('opennotice_darknet_last_packet_timestamp_seconds')!;
    assert.ok(newest > start / 1e6 && newest <= start / 1e6 + 6 * 3600, 'the newest packet is within the capture');
  } finally {
    await endpoint.close();
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  }
});

test('darknet capture --metrics-listen: packets counted while the capture runs; JSON lines name the subcommand and the run', { timeout: 90_000 }, async () => {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-monitoring-capture-'));
  const db = join(directory, 'store.sqlite');
  // 127.209.0.0/16: a darknet of this test only, so captures of other tests running beside it never count these packets.
  const capture = startCli([
    'darknet',
    'capture',
    '--interface',
    'lo',
    '--darknet',
    '127.209.0.0/16',
    '--filter',
    'udp',
    '--db',
    db,
    '--duration',
    '60',
    '--metrics-listen',
    '127.0.0.1:0',
    '--log-format',
    'json',
  ]);
  try {
    const listening = JSON.parse(await capture.waitForLine('stderr', (line) => line.includes('"metrics-listening"'))) as { url: string };
    await capture.waitForLine('stderr', (line) => line.includes('"capture-started"'));
    for (let host = 1; host <= 12; host++) await sendUdpDatagrams(`127.209.0.${host}`, 47_124, 1, { sourceHost: '127.77.1.6' });

    // tcpdump hands packets over as it reads them: wait (bounded) until all twelve are counted.
    let packets: number | undefined;
    for (let attempt = 0; attempt < 100 && packets !== 12; attempt++) {
      packets = parseExposition(await (await fetch(listening.url)).text()).value('opennotice_darknet_packets_total');
      if (packets !== 12) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.equal(packets, 12, 'every packet sent to the darknet is counted while the capture runs');
    const metrics = parseExposition(await (await fetch(listening.url)).text());
    assert.equal(metrics.value('opennotice_build_info', { command: 'darknet' }), 1);
    assert.ok(metrics.value('opennotice_darknet_last_packet_timestamp_seconds')! > Date.UTC(2026, 0, 1) / 1000);
  } finally {
    const code = await capture.stop('SIGINT');
    rmSync(directory, { recursive: true, force: true });
    assert.equal(code, 130, capture.stderrLines.join('\n'));
  }
  assert.match(capture.stdoutLines.join('\n'), /12 packets/);
  const lines = capture.stderrLines.filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
  for (const line of lines) {
    assert.equal(line.command, 'darknet');
    // The interrupt is noticed by the CLI's entry point, before any subcommand's logger.
    if (line.event !== 'signal') assert.equal(line.subcommand, 'capture', String(line.msg));
  }
  const runId = lines.find((line) => line.event === 'capture-stopped')?.runId;
  assert.equal(typeof runId, 'number', 'lines after the run started name it');
  assert.ok(
    lines.some((line) => line.event === 'signal'),
    'the interrupt is a JSON line too',
  );
});

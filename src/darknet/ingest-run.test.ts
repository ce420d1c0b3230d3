import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDarknetCapture } from '../lab/darknet/generate.ts';
import { openStore } from '../store/open-store.ts';
import { ingestCaptureFiles } from './ingest-run.ts';
import { darknetStatistics, summarizeWindows } from './stats.ts';

const darknet = '127.200.0.0/16';
const day = Date.UTC(2026, 0, 1) * 1000;

test('darknet ingest: windows stored, infected findings only inside the surveyed space, joined to devices, never counted twice', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-ingest-'));
  const store = await openStore(join(directory, 'store.sqlite'));
  try {
    // A survey of 127.77.0.0/16 makes that the surveyed space; 127.88.0.9 scans from outside it.
    const survey = await store.startRun({ startedAt: '2026-01-01T00:00:00.000Z', scope: ['127.77.0.0/16'], exclude: [], ports: [23], checks: ['credentials'] });
    await store.recordDevices(survey, [
      { ip: '127.77.3.4', identity: { vendor: 'Korvan', model: 'IPC-2120', deviceType: 'ip-camera', confidence: 0.9, evidence: [] } },
    ]);
    await store.finishRun(survey, { finishedAt: '2026-01-01T00:10:00.000Z', status: 'completed', counts: {} });
    const infectedLab = ['127.77.3.4', '127.77.9.9', '127.88.0.9'];

    const file = join(directory, 'day.pcapng');
    const truth = await generateDarknetCapture({
      file,
      format: 'pcapng',
      darknet,
      durationSeconds: 86_400,
      seed: 11,
      scale: 1,
      infectedSources: infectedLab,
      startMicros: day,
    });
    const summary = await ingestCaptureFiles([file], { store, darknet, researchRanges: truth.researchRanges });
    assert.equal(summary.packets, truth.packets);
    assert.deepEqual(summary.windows, { hours: 24, days: 1 });
    assert.equal(summary.findings.opened, 2);
    assert.ok(summary.scannersOutsideSpace >= 1, 'scanners outside the space are counted, not notified');

    const infected = await store.listFindings({ kind: 'infected', status: 'open' });
    assert.deepEqual(infected.map((row) => row.ip).sort(), ['127.77.3.4', '127.77.9.9']);
    const camera = infected.find((row) => row.ip === '127.77.3.4')!;
    assert.equal(camera.model, 'IPC-2120', 'the finding is joined to the surveyed device');
    assert.equal(camera.protocol, 'darknet');
    assert.ok(Number(camera.evidence.packets) > 0 && Array.isArray(camera.evidence.ports));
    const truthOfCamera = truth.sources.find((source) => source.ip === '127.77.3.4')!;
    assert.equal(camera.evidence.packets, truthOfCamera.packets, 'the day counts every packet the camera sent');

    // Statistics from the store equal statistics from the file.
    const stored = summarizeWindows(await store.listDarknetWindows({ darknet, periodSeconds: 86_400 }), { darknet, darknetSize: 65_536 });
    const direct = await darknetStatistics([file], { darknet, researchRanges: truth.researchRanges });
    assert.equal(stored.packets, direct.packets);
    assert.deepEqual(stored.days, direct.days);
    assert.deepEqual(stored.topPorts, direct.topPorts);
    const hours = await store.listDarknetWindows({ darknet, periodSeconds: 3600 });
    assert.equal(
      hours.reduce((sum, window) => sum + window.packets, 0),
      truth.packets,
    );

    // The same file again is skipped: nothing counted twice.
    const again = await ingestCaptureFiles([file], { store, darknet, researchRanges: truth.researchRanges });
    assert.deepEqual(again.alreadyRead, [{ file, runId: summary.runId }]);
    assert.equal(again.packets, 0);
    assert.equal((await store.listDarknetWindows({ darknet, periodSeconds: 86_400 }))[0]!.packets, truth.packets);

    // Eight quiet days later the finding of a device no longer scanning is closed.
    const later = join(directory, 'later.pcap');
    await generateDarknetCapture({
      file: later,
      format: 'pcap',
      darknet,
      durationSeconds: 86_400,
      seed: 12,
      scale: 1,
      infectedSources: ['127.77.9.9'],
      startMicros: day + 8 * 86_400e6,
    });
    const laterSummary = await ingestCaptureFiles([later], { store, darknet, researchRanges: truth.researchRanges });
    assert.equal(laterSummary.findings.closed, 1);
    assert.deepEqual(
      (await store.listFindings({ kind: 'infected', status: 'open' })).map((row) => row.ip),
      ['127.77.9.9'],
    );
    const history = await store.listDarknetSources({ ip: '127.77.9.9', periodSeconds: 86_400 });
    assert.deepEqual(
      history.map((row) => row.windowStart.slice(0, 10)),
      ['2026-01-09', '2026-01-01'],
    );
  } finally {
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  }
});

test('darknet ingest: one day read from two captures in two runs is merged, packets add up exactly', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-ingest-'));
  const store = await openStore(':memory:');
  try {
    const morning = join(directory, 'morning.pcap');
    const evening = join(directory, 'evening.pcap');
    const first = await generateDarknetCapture({ file: morning, format: 'pcap', darknet, durationSeconds: 43_200, seed: 21, scale: 1, startMicros: day });
    const second = await generateDarknetCapture({
      file: evening,
      format: 'pcap',
      darknet,
      durationSeconds: 43_200,
      seed: 22,
      scale: 1,
      startMicros: day + 43_200e6,
    });
    await ingestCaptureFiles([morning], { store, darknet, researchRanges: first.researchRanges });
    await ingestCaptureFiles([evening], { store, darknet, researchRanges: first.researchRanges });
    const [whole] = await store.listDarknetWindows({ darknet, periodSeconds: 86_400 });
    assert.equal(whole!.packets, first.packets + second.packets);
    assert.equal(whole!.firstPacketAt.slice(0, 13), '2026-01-01T00');
    assert.equal(whole!.lastPacketAt.slice(0, 13), '2026-01-01T23');
    assert.equal(
      Object.values(whole!.classTotals).reduce((a, b) => a + b, 0),
      first.packets + second.packets,
    );
    assert.equal((await store.listDarknetWindows({ darknet, periodSeconds: 3600 })).length, 24);
  } finally {
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  }
});

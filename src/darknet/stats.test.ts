import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDarknetCapture } from '../lab/darknet/generate.ts';
import { darknetStatistics } from './stats.ts';

test('darknet statistics: every packet counted, infected sources found (P, R ≥ 0.99), NICTER-style figures', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-darknet-'));
  try {
    const file = join(directory, 'two-days.pcap');
    const infectedLab = ['127.77.3.4', '127.77.9.9'];
    const truth = await generateDarknetCapture({
      file,
      format: 'pcap',
      darknet: '127.200.0.0/16',
      durationSeconds: 2 * 86_400,
      seed: 5,
      scale: 2,
      infectedSources: infectedLab,
    });
    const stats = await darknetStatistics([file], { darknet: '127.200.0.0/16', researchRanges: truth.researchRanges });
    assert.equal(stats.packets, truth.packets);
    assert.equal(stats.days.length, 2);
    assert.equal(
      stats.days.reduce((total, day) => total + day.packets, 0),
      truth.packets,
    );

    const infected = new Set(truth.sources.filter((source) => source.kind === 'mirai' || source.kind === 'bot-other').map((source) => source.ip));
    const found = new Set(stats.scanners.map((scanner) => scanner.ip));
    const truePositives = [...found].filter((ip) => infected.has(ip)).length;
    assert.ok(truePositives / found.size >= 0.99, `precision ${truePositives / found.size}`);
    assert.ok(truePositives / infected.size >= 0.99, `recall ${truePositives / infected.size}`);
    for (const ip of infectedLab) assert.ok(found.has(ip), `lab device ${ip} seen scanning`);
    const mirai = new Set(truth.sources.filter((source) => source.kind === 'mirai').map((source) => source.ip));
    for (const scanner of stats.scanners) if (mirai.has(scanner.ip)) assert.equal(scanner.family, 'mirai');

    assert.equal(stats.topPorts[0]?.port, 23, 'telnet leads, as in NICTER’s figures');
    assert.equal(stats.scannersPerDay.max, Math.max(...stats.days.map((day) => day.scanners)));
    const expectedPerAddressYear = (truth.packets / 65_536) * (365 / stats.observedDays);
    assert.ok(Math.abs(stats.packetsPerAddressPerYear - expectedPerAddressYear) < 1e-6 * expectedPerAddressYear + 1);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

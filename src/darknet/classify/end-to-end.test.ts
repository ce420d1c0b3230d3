import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanCapture } from '../capture/reader.ts';
import { generateDarknetCapture, parseIpv4Cidr } from '../../lab/darknet/generate.ts';
import { createDarknetAggregator } from './aggregate.ts';
import { createResearchScannerList } from './research-list.ts';
import { judgeSource, scannerThresholds } from './verdict.ts';

const cases = [
  { format: 'pcap', darknet: '127.200.0.0/16', seed: 1, scale: 2, nanosecond: false },
  { format: 'pcapng', darknet: '127.200.0.0/16', seed: 2, scale: 2, nanosecond: true },
  { format: 'pcapng', darknet: '127.192.0.0/13', seed: 3, scale: 1, nanosecond: false },
] as const;

for (const options of cases) {
  test(`infected sources found with precision and recall ≥ 0.99: ${options.format} ${options.darknet} seed ${options.seed}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opennotice-e2e-'));
    try {
      const file = join(dir, `dark.${options.format}`);
      const durationSeconds = 86400;
      const infectedLab = ['127.0.1.10', '127.0.1.11', '127.0.1.12', '127.0.1.13'];
      const truth = await generateDarknetCapture({ file, durationSeconds, infectedSources: infectedLab, linkType: 1, ...options });
      const darknet = parseIpv4Cidr(options.darknet);
      const aggregator = createDarknetAggregator({ periodSeconds: 86400, darknet });
      const stats = await scanCapture(
        file,
        (packet) => {
          aggregator.add(packet);
        },
        { formatAddresses: false },
      );
      assert.equal(stats.packets, truth.packets);

      const thresholds = scannerThresholds({ darknetSize: darknet.size, observedSeconds: durationSeconds });
      const research = createResearchScannerList(truth.researchRanges);
      const found = new Map<string, string>();
      const verdicts = new Map<string, string>();
      for (const window of aggregator.windows()) {
        for (const source of aggregator.sources(window)) {
          const judgement = judgeSource(source, thresholds, research);
          verdicts.set(source.ip, judgement.verdict);
          if (judgement.verdict === 'scanner') found.set(source.ip, judgement.family!);
        }
      }
      const infected = truth.sources.filter((source) => source.kind === 'mirai' || source.kind === 'bot-other');
      const truePositives = infected.filter((source) => found.has(source.ip)).length;
      const precision = truePositives / found.size;
      const recall = truePositives / infected.length;
      assert.ok(precision >= 0.99, `precision ${precision}`);
      assert.ok(recall >= 0.99, `recall ${recall}`);
      for (const source of infected) assert.equal(found.get(source.ip), source.kind === 'mirai' ? 'mirai' : 'other', source.ip);
      for (const ip of infectedLab) assert.ok(found.has(ip), `lab device ${ip}`);
      for (const source of truth.sources) {
        if (source.kind === 'research-scanner') assert.equal(verdicts.get(source.ip), 'research');
        if (source.kind === 'backscatter') assert.equal(verdicts.get(source.ip), 'backscatter');
        if (source.kind === 'misconfiguration') assert.equal(verdicts.get(source.ip), 'noise');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

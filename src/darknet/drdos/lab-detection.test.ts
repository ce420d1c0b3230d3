import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scoreDrdosAttacks } from '../../lab/darknet/drdos-score.ts';
import { generateDarknetCapture } from '../../lab/darknet/generate.ts';
import type { DarknetAttack } from '../../core/records.ts';
import { createDarknetIngest } from '../ingest.ts';
import { darknetStatistics } from '../stats.ts';

test('DRDoS attacks in a lab capture are found against the generator’s truth (precision and recall 1.0), decoys are not, reflectors never become scanners', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-drdos-'));
  try {
    const file = join(directory, 'drdos.pcap');
    const truth = await generateDarknetCapture({ file, format: 'pcap', darknet: '127.200.0.0/16', durationSeconds: 6 * 3600, seed: 11, scale: 1 });
    const stats = await darknetStatistics([file], { darknet: '127.200.0.0/16', researchRanges: truth.researchRanges });
    assert.equal(stats.packets, truth.packets);
    const expected = truth.drdos.attacks;
    assert.ok(expected.length >= 3 + 8 - 1, `the lab sent ${expected.length} attacks (3 single, one carpet bombing of up to 8 addresses)`);
    assert.equal(truth.drdos.decoys.length, 2);

    // Every attack the ingest hands out that passes the thresholds, matched by victim and protocol.
    const attacks: DarknetAttack[] = [];
    const ingest = createDarknetIngest({
      darknet: '127.200.0.0/16',
      researchRanges: truth.researchRanges,
      periods: [86_400],
      onWindow: () => {},
      onAttacks: (ended) => {
        attacks.push(...ended);
      },
    });
    await ingest.read(file);
    await ingest.finish();
    const found = attacks.filter((attack) => attack.qualified);
    const key = (attack: { victim: string; protocol: string }) => `${attack.victim} ${attack.protocol}`;
    const truthByKey = new Map(expected.map((attack) => [key(attack), attack]));
    const score = scoreDrdosAttacks(expected, found);
    const { precision, recall } = score;
    process.stdout.write(
      `DRDoS detection on the lab: ${found.length} found, ${expected.length} sent, precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)} (${score.falsePositives.length} false, ${score.falseNegatives.length} missed)\n`,
    );
    assert.equal(precision, 1);
    assert.equal(recall, 1);
    assert.equal(found.length, expected.length, 'no attack split in two');
    assert.equal(stats.drdos.attacks, expected.length, '`darknet stats` counts the same');
    for (const attack of found) {
      const sent = truthByKey.get(key(attack))!;
      assert.equal(attack.packets, sent.packets, `${key(attack)}: every reply counted`);
      assert.equal(attack.start, sent.start);
      assert.equal(attack.end, sent.end);
      assert.ok(
        Math.abs(attack.reflectors - sent.reflectors) <= Math.max(1, sent.reflectors * 0.195),
        `${key(attack)}: ${attack.reflectors} reflectors for ${sent.reflectors}`,
      );
    }
    for (const decoy of truth.drdos.decoys) assert.ok(!found.some((attack) => key(attack) === key(decoy)), `${decoy.kind} on ${decoy.victim} is no attack`);

    // Figures: per day, per protocol, and the carpet bombing's addresses in one /24.
    assert.equal(
      stats.drdos.days.reduce((sum, day) => sum + day.attacks, 0),
      expected.length,
    );
    assert.equal(stats.drdos.victims, new Set(expected.map((attack) => attack.victim)).size);
    assert.ok(stats.drdos.victimNetworks < stats.drdos.victims, 'the carpet bombing hit many addresses of one network');
    assert.equal(stats.drdos.carpetBombings, 1, 'the carpet bombing is one attack on its /24');
    assert.equal(stats.drdos.prefixAttacks, new Set(truth.drdos.attacks.map((attack) => attack.victim.split('.').slice(0, 3).join('.'))).size);
    assert.deepEqual(stats.drdos.protocols.map((entry) => entry.protocol).sort(), [...new Set(expected.map((attack) => attack.protocol))].sort());

    // Reflectors answer, they do not scan: every scanner is one of the lab's bots.
    const bots = new Set(truth.sources.filter((source) => source.kind === 'mirai' || source.kind === 'bot-other').map((source) => source.ip));
    assert.ok(stats.scanners.length > 0);
    for (const scanner of stats.scanners) assert.ok(bots.has(scanner.ip), `${scanner.ip} judged a scanner`);
    assert.ok(stats.packetClasses.backscatter >= truth.packetsByKind.drdos, 'every reflector reply is backscatter');
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

// The detector against the lab's truth: a generated bot population with C&C endpoints,
// decoys many benign devices contact (some on a strict heartbeat) and hot scan targets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadAllowlist } from '../src/cnc/allowlist.ts';
import { detectCncCandidates } from '../src/cnc/detect.ts';
import { defaultCncLabOptions, generateCncLab, measureAgainstTruth } from './support/cnc-lab.ts';

for (const seed of [16, 1601]) {
  test(`seed ${seed}: C&C precision and recall ≥ 0.95, no decoy is a candidate`, () => {
    const lab = generateCncLab({ ...defaultCncLabOptions, seed });
    assert.ok(lab.cncEndpoints.size >= 7 && lab.decoys.size >= 10, 'the lab has its C&C endpoints and decoys');
    const { candidates } = detectCncCandidates({ flows: lab.flows, knownBots: lab.knownBots, allowlist: loadAllowlist() });
    const measured = measureAgainstTruth(candidates, lab.cncEndpoints);
    assert.ok(measured.precision >= 0.95, `precision ${measured.precision}; false positives ${measured.falsePositives.join(' ')}`);
    assert.ok(measured.recall >= 0.95, `recall ${measured.recall}; missed ${measured.missed.join(' ')}`);
    const decoyCandidates = candidates.filter((candidate) => lab.decoys.has(`${candidate.endpoint}|${candidate.port}|${candidate.protocol}`));
    assert.deepEqual(decoyCandidates, []);
  });
}

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scoreCriticalDevices } from './score-against-truth.ts';
import type { LabTruth } from './truth.ts';

const identity = { vendor: 'V', model: 'M', firmwareVersion: '1', releaseYear: 2015 };
const truth: LabTruth = {
  seed: 1,
  cidr: '127.0.0.0/29',
  deviceCount: 4,
  vulnerabilityFeed: { synthetic: [], real: [] },
  devices: [
    { ip: '127.0.0.1', role: 'device', identity: { ...identity, deviceType: 'critical', sector: 'solar' }, services: [], weaknesses: [], vulnerabilities: [] },
    { ip: '127.0.0.2', role: 'device', identity: { ...identity, deviceType: 'critical', sector: 'water' }, services: [], weaknesses: [], vulnerabilities: [] },
    { ip: '127.0.0.3', role: 'device', identity: { ...identity, deviceType: 'critical' }, services: [], weaknesses: [], vulnerabilities: [] },
    { ip: '127.0.0.4', role: 'device', identity: { ...identity, deviceType: 'router' }, services: [], weaknesses: [], vulnerabilities: [] },
  ],
};

test('critical devices are scored by address, and the sector only where the truth names one', () => {
  const score = scoreCriticalDevices(truth, [
    { ip: '127.0.0.1', deviceType: 'critical', sector: 'solar' },
    { ip: '127.0.0.2', deviceType: 'critical', sector: 'other' },
    { ip: '127.0.0.4', deviceType: 'critical', sector: 'power' },
  ]);
  assert.equal(score.truePositives, 2);
  assert.deepEqual(score.falsePositives, ['127.0.0.4']);
  assert.deepEqual(score.falseNegatives, ['127.0.0.3']);
  assert.equal(score.precision, 2 / 3);
  assert.equal(score.recall, 2 / 3);
  assert.equal(score.sectorsRight, 1, 'the water RTU reported as "other" is a wrong sector');
  assert.equal(score.sectorsKnown, 2);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceIdentity } from '../core/records.ts';
import { evaluateIdentification, type ExpectedDevice } from './evaluate.ts';

function identity(vendor: string, model: string, deviceType: DeviceIdentity['deviceType'], firmwareVersion?: string): DeviceIdentity {
  return { vendor, model, deviceType, ...(firmwareVersion ? { firmwareVersion } : {}), confidence: 0.9, evidence: [] };
}

const truth: ExpectedDevice[] = [
  { ip: '127.0.1.1', identity: { vendor: 'Korvan', model: 'IPC-2120', deviceType: 'ip-camera', firmwareVersion: '5.4.2' } },
  { ip: '127.0.1.2', identity: { vendor: 'Korvan', model: 'NVR-8', deviceType: 'dvr', firmwareVersion: '2.0' } },
  { ip: '127.0.1.3', identity: { vendor: 'Tessaro', model: 'TR-100', deviceType: 'router' } },
  { ip: '127.0.1.4', identity: { vendor: 'Tessaro', model: 'TR-200', deviceType: 'router', firmwareVersion: '1.1' } },
  { ip: '127.0.1.5' }, // a hostile host: nothing should be claimed
];

test('all correct: precision and recall are 1; comparison ignores case and surrounding space', () => {
  const actual = new Map([
    ['127.0.1.1', identity('korvan ', 'ipc-2120', 'ip-camera', '5.4.2')],
    ['127.0.1.2', identity('Korvan', 'NVR-8', 'dvr', '2.0')],
    ['127.0.1.3', identity('TESSARO', 'TR-100', 'router')],
    ['127.0.1.4', identity('Tessaro', 'TR-200', 'router', '1.1')],
  ]);
  const score = evaluateIdentification(truth, actual);
  assert.deepEqual([score.precision, score.recall, score.truePositives, score.falsePositives, score.falseNegatives], [1, 1, 4, 0, 0]);
  assert.deepEqual(score.mismatches, []);
});

test('a wrong claim is a false positive and a false negative; a miss is a false negative', () => {
  const actual = new Map([
    ['127.0.1.1', identity('Korvan', 'IPC-2120', 'ip-camera', '5.4.3')], // wrong version
    ['127.0.1.2', identity('Korvan', 'NVR-8', 'dvr', '2.0')],
    ['127.0.1.3', identity('Tessaro', 'TR-100', 'router', '1.0')], // a version where none is expected
    // 127.0.1.4 missed
  ]);
  const score = evaluateIdentification(truth, actual);
  assert.equal(score.truePositives, 1);
  assert.equal(score.falsePositives, 2);
  assert.equal(score.falseNegatives, 3);
  assert.equal(score.precision, 1 / 3);
  assert.equal(score.recall, 1 / 4);
  assert.deepEqual(
    score.mismatches.map((mismatch) => [mismatch.ip, mismatch.kind, mismatch.differingFields]),
    [
      ['127.0.1.1', 'wrong-identity', ['firmwareVersion']],
      ['127.0.1.3', 'wrong-identity', ['firmwareVersion']],
      ['127.0.1.4', 'missed', []],
    ],
  );
});

test('claims for a hostile or unlisted address are false positives', () => {
  const actual = new Map([
    ['127.0.1.5', identity('Korvan', 'IPC-2120', 'ip-camera')],
    ['127.0.9.9', identity('Korvan', 'IPC-2120', 'ip-camera')],
  ]);
  const score = evaluateIdentification(truth, actual);
  assert.equal(score.falsePositives, 2);
  assert.equal(score.truePositives, 0);
  assert.equal(score.precision, 0);
  assert.equal(score.recall, 0);
  assert.deepEqual(
    score.mismatches.filter((mismatch) => mismatch.kind === 'unexpected').map((mismatch) => mismatch.ip),
    ['127.0.1.5', '127.0.9.9'],
  );
});

test('with nothing claimed and nothing expected both measures are 1 (no division by zero)', () => {
  const score = evaluateIdentification([{ ip: '127.0.1.5' }], new Map());
  assert.deepEqual([score.precision, score.recall], [1, 1]);
});

test('an identity that names only software is no device claim: not a false positive, not a hit', () => {
  const softwareOnly: DeviceIdentity = {
    deviceType: 'other',
    confidence: 0.95,
    evidence: [],
    components: [
      {
        product: 'dropbear',
        version: '2014.63',
        cpe: 'cpe:2.3:a:dropbear_ssh_project:dropbear_ssh:2014.63:*:*:*:*:*:*:*',
        ruleId: 'component-dropbear',
        protocol: 'ssh',
        port: 22,
      },
    ],
  };
  const actual = new Map([
    ['127.0.1.1', identity('Korvan', 'IPC-2120', 'ip-camera', '5.4.2')],
    ['127.0.1.2', softwareOnly], // expected Korvan NVR-8: still missed
    ['127.0.1.5', softwareOnly], // the hostile host: nothing claimed about the device
  ]);
  const score = evaluateIdentification(truth, actual);
  assert.deepEqual([score.truePositives, score.falsePositives, score.falseNegatives], [1, 0, 3]);
  assert.equal(score.precision, 1);
  assert.deepEqual(
    score.mismatches.filter((mismatch) => mismatch.ip === '127.0.1.2').map((mismatch) => mismatch.kind),
    ['missed'],
  );
});

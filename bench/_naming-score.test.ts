// Service naming scored against a lab truth of three devices (one hostile, one with a moved service).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LabTruth } from '../src/lab/truth.ts';
import { describeMisnames, notNamed, scoreNaming, truthServices } from './_naming-score.ts';

const truth = {
  seed: 1,
  cidr: '127.90.0.0/24',
  deviceCount: 3,
  devices: [
    {
      ip: '127.90.0.1',
      role: 'device',
      services: [
        { port: 23, protocol: 'telnet' },
        { port: 7547, protocol: 'cwmp' },
      ],
      weaknesses: [],
      vulnerabilities: [],
    },
    {
      ip: '127.90.0.2',
      role: 'device',
      services: [
        { port: 80, protocol: 'http' },
        { port: 8023, protocol: 'ssh', movedFrom: 22 },
      ],
      weaknesses: [],
      vulnerabilities: [],
    },
    { ip: '127.90.0.3', role: 'hostile', hostileBehaviour: 'tarpit', services: [{ port: 23, protocol: 'telnet' }], weaknesses: [], vulnerabilities: [] },
  ],
  vulnerabilityFeed: { synthetic: [], real: [] },
} as unknown as LabTruth;

test('only the ordinary devices at the given addresses are scored, moved services marked', () => {
  const services = truthServices(truth, new Set(['127.90.0.1', '127.90.0.2', '127.90.0.3']));
  assert.equal(services.length, 4);
  assert.deepEqual(
    services.filter((service) => service.movedFrom !== undefined),
    [{ ip: '127.90.0.2', port: 8023, protocol: 'ssh', movedFrom: 22 }],
  );
  assert.equal(truthServices(truth, new Set(['127.90.0.2'])).length, 2);
});

test('precision over names given, recall over true services, moved accuracy over moved services, misnames per protocol', () => {
  const score = scoreNaming(truthServices(truth, new Set(['127.90.0.1', '127.90.0.2'])), [
    { ip: '127.90.0.1', port: 23, protocol: 'telnet' },
    { ip: '127.90.0.1', port: 7547, protocol: 'http' },
    { ip: '127.90.0.2', port: 80, protocol: 'http' },
  ]);
  assert.equal(score.correct, 2);
  assert.equal(score.precision, 2 / 3);
  assert.equal(score.recall, 2 / 4);
  assert.deepEqual(score.moved, {
    services: 1,
    correct: 0,
    accuracy: 0,
    wrong: [{ ip: '127.90.0.2', port: 8023, protocol: 'ssh', movedFrom: 22, said: notNamed }],
  });
  assert.deepEqual([...score.byProtocol.get('cwmp')!.namedInstead], [['http', 1]]);
  assert.deepEqual([...score.byProtocol.get('ssh')!.namedInstead], [[notNamed, 1]]);
  assert.equal(
    describeMisnames(
      new Map([
        ['a', 1],
        ['b', 3],
      ]),
    ),
    'b ×3, a ×1',
  );
});

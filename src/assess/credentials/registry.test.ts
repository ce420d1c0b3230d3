import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceObservation } from '../../core/records.ts';
import { credentialCheckerFor, credentialCheckers } from './registry.ts';

const observation = (protocol: string, result: Record<string, unknown>): ServiceObservation => ({
  ip: '127.0.0.1',
  port: 1,
  protocol,
  status: 'success',
  result,
  durationMs: 1,
  observedAt: '',
});

test('one checker per protocol, chosen by what the grab saw', () => {
  assert.deepEqual(
    credentialCheckers.map((checker) => checker.protocol),
    ['telnet', 'http', 'ftp', 'ssh'],
  );
  assert.equal(credentialCheckerFor(observation('telnet', { promptKind: 'login' }))?.protocol, 'telnet');
  assert.equal(credentialCheckerFor(observation('http', { auth: { scheme: 'basic', realm: 'x' }, authPath: '/' }))?.protocol, 'http');
  assert.equal(credentialCheckerFor(observation('ftp', { banner: 'hi', code: 220 }))?.protocol, 'ftp');
  assert.equal(
    credentialCheckerFor(observation('ssh', { version: 'SSH-2.0-dropbear_2019.78', protocolVersion: '2.0', software: 'dropbear_2019.78' }))?.protocol,
    'ssh',
  );
  assert.equal(credentialCheckerFor(observation('ssh', { version: 'SSH-1.5-Cisco-1.25', protocolVersion: '1.5', software: 'Cisco-1.25' })), undefined);
  assert.equal(credentialCheckerFor(observation('http', { status: 200 })), undefined);
});

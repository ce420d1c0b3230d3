import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceObservation } from '../../core/records.ts';
import { credentialCheckerFor, credentialCheckers } from './registry.ts';

const observation = (protocol: string, result: Record<string, unknown>): ServiceObservation => ({ ip: '127.0.0.1', port: 1, protocol, status: 'success', result, durationMs: 1, observedAt: '' });

test('one checker per protocol, chosen by what the grab saw', () => {
  assert.deepEqual(credentialCheckers.map((checker) => checker.protocol), ['telnet', 'http', 'ftp']);
  assert.equal(credentialCheckerFor(observation('telnet', { promptKind: 'login' }))?.protocol, 'telnet');
  assert.equal(credentialCheckerFor(observation('http', { auth: { scheme: 'basic', realm: 'x' }, authPath: '/' }))?.protocol, 'http');
  assert.equal(credentialCheckerFor(observation('ftp', { banner: 'hi', code: 220 }))?.protocol, 'ftp');
  assert.equal(credentialCheckerFor(observation('ssh', { version: 'SSH-2.0-dropbear' })), undefined);
  assert.equal(credentialCheckerFor(observation('http', { status: 200 })), undefined);
});

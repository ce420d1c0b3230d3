import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeCoap } from './codec.ts';
import { coapProbe } from './probe.ts';

test('the sweep sends the grab’s GET /.well-known/core; an ACK or a response is the answer, a request and garbage are not', () => {
  const request = Buffer.from(coapProbe.request({ ip: '192.0.2.7', port: 5683 }));
  const decoded = decodeCoap(request);
  assert.ok(decoded.ok && decoded.message.code === '0.01' && decoded.message.type === 'CON');
  assert.equal(coapProbe.matches(request), false);
  assert.equal(coapProbe.matches(Buffer.from('60451234', 'hex')), true, 'a piggy-backed 2.05 ACK');
  assert.equal(coapProbe.matches(Buffer.from('60001234', 'hex')), true, 'an empty ACK');
  assert.equal(coapProbe.matches(Buffer.from('ACME! 1234', 'latin1')), false);
});

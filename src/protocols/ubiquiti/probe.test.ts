import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discoveryRequest } from './codec.ts';
import { ubiquitiProbe } from './probe.ts';

test('the sweep sends the four-byte discovery request; a reply with fields is the answer, the request echoed is not', () => {
  const request = Buffer.from(ubiquitiProbe.request({ ip: '192.0.2.7', port: 10001 }));
  assert.deepEqual(request, discoveryRequest);
  assert.equal(ubiquitiProbe.matches(Buffer.from('010000090b00064e616e6f4d32', 'hex')), true);
  assert.equal(ubiquitiProbe.matches(request), false);
  assert.equal(ubiquitiProbe.matches(Buffer.from('020000090b00064e616e6f4d32', 'hex')), false);
});

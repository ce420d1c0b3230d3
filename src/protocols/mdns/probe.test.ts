import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeServicesQuery } from './codec.ts';
import { mdnsProbe } from './probe.ts';

test('the sweep sends the grab’s service type query; a DNS response is the answer, the query and garbage are not', () => {
  const request = Buffer.from(mdnsProbe.request({ ip: '192.0.2.7', port: 5353 }));
  assert.deepEqual(request.subarray(2), encodeServicesQuery(1).subarray(2), 'only the id differs');
  const response = Buffer.from(request);
  response.writeUInt16BE(0x8400, 2); // QR and AA: an answer, with the question echoed
  assert.equal(mdnsProbe.matches(response), true);
  assert.equal(mdnsProbe.matches(request), false);
  assert.equal(mdnsProbe.matches(Buffer.alloc(11, 0x80)), false);
});

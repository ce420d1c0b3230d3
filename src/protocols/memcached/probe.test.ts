import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memcachedResponses } from '../../lab/services/udp/memcached-responder.ts';
import { encodeRequest } from './codec.ts';
import { memcachedProbe } from './probe.ts';

test('the sweep sends the grab’s framed stats; the frames of the answer match, the request and garbage do not', () => {
  const request = Buffer.from(memcachedProbe.request({ ip: '192.0.2.7', port: 11211 }));
  assert.deepEqual(request.subarray(2), encodeRequest(0, 'stats').subarray(2), 'only the request id differs');
  const replies = memcachedResponses(request, { version: '1.4.25', pid: 1234, uptime: 86_400 });
  assert.ok(replies.length > 0 && replies.every((reply) => memcachedProbe.matches(reply)));
  assert.equal(memcachedProbe.matches(request), false, 'a stats request is framed, but no answer');
  assert.equal(memcachedProbe.matches(Buffer.from('STAT pid 1\r\n')), false, 'no frame header');
});

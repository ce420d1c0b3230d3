import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpenNoticeError } from '../core/errors.ts';
import { parseListenAddress } from './listen-address.ts';

test('--metrics-listen: IPv4, host names and bracketed IPv6 with a port; anything else is a usage error', () => {
  assert.deepEqual(parseListenAddress('127.0.0.1:9464'), { host: '127.0.0.1', port: 9464 });
  assert.deepEqual(parseListenAddress('localhost:0'), { host: 'localhost', port: 0 });
  assert.deepEqual(parseListenAddress('[::1]:9464'), { host: '::1', port: 9464 });
  for (const bad of ['9464', '::1:9464', '127.0.0.1:', '127.0.0.1:70000', '127.0.0.1:http']) {
    assert.throws(
      () => parseListenAddress(bad),
      (error: unknown) => error instanceof OpenNoticeError && error.code === 'USAGE',
      bad,
    );
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareAddresses } from './rows.ts';

test('addresses sort as people read them: IPv4 numerically, then IPv6 numerically, then anything else', () => {
  const sorted = ['2001:db8::1a', 'x', '192.0.2.10', '2001:db8::9', '::1', '192.0.2.9', '2001:db8:0:1::', '2001:db8::'].sort(compareAddresses);
  assert.deepEqual(sorted, ['192.0.2.9', '192.0.2.10', '::1', '2001:db8::', '2001:db8::9', '2001:db8::1a', '2001:db8:0:1::', 'x']);
});

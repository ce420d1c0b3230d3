import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateOptOut } from './opt-out-page.ts';

test('the opt-out form takes IPv6 ranges, stores them canonical, and refuses host bits as for IPv4', () => {
  const good = validateOptOut({ cidrs: '2001:DB8:1:0::/48\n198.51.100.0/24\n2001:db8:1::/48\n2001:db8:2::7', contact: 'noc@example.net', reason: '' }, 'en');
  assert.deepEqual(good.ok && good.cidrs, ['2001:db8:1::/48', '198.51.100.0/24', '2001:db8:2::7/128']);
  const bad = validateOptOut({ cidrs: '2001:db8:1::1/48\nfe80::1%eth0', contact: 'noc@example.net', reason: '' }, 'en');
  assert.equal(bad.ok, false);
  assert.ok(!bad.ok && bad.problems.some((problem) => problem.startsWith('Line 1: "2001:db8:1::1/48" is not an IPv4 or IPv6 range')));
  assert.ok(!bad.ok && bad.problems.some((problem) => problem.startsWith('Line 2:')));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOptOutRangeCheck } from '../opt-out-ranges.ts';
import { validateOptOut } from './opt-out-page.ts';

test('the opt-out form takes IPv6 ranges, stores them canonical, and refuses host bits as for IPv4', () => {
  const ranges = createOptOutRangeCheck();
  const good = validateOptOut(
    { cidrs: '2400:DB8:1:0::/48\n133.0.0.0/24\n2400:db8:1::/48\n2400:db8:2::7', contact: 'noc@example.net', reason: '' },
    'en',
    ranges,
  );
  assert.deepEqual(good.ok && good.cidrs, ['2400:db8:1::/48', '133.0.0.0/24', '2400:db8:2::7/128']);
  const bad = validateOptOut({ cidrs: '2400:db8:1::1/48\nfe80::1%eth0', contact: 'noc@example.net', reason: '' }, 'en', ranges);
  assert.equal(bad.ok, false);
  assert.ok(!bad.ok && bad.problems.some((problem) => problem.startsWith('Line 1: "2400:db8:1::1/48" is not an IPv4 or IPv6 range')));
  assert.ok(!bad.ok && bad.problems.some((problem) => problem.startsWith('Line 2:')));
});

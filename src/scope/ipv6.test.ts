import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIPv6Groups, parseIPv6 } from './ipv6.ts';

test('parseIPv6 reads compressed, full and IPv4-embedded forms and rejects garbage', () => {
  assert.equal(parseIPv6('2001:db8::1'), 0x20010db8000000000000000000000001n);
  assert.equal(parseIPv6('2001:0db8:0000:0000:0000:0000:0000:0001'), parseIPv6('2001:db8::1'));
  assert.equal(parseIPv6('::'), 0n);
  assert.equal(parseIPv6('::1'), 1n);
  assert.equal(parseIPv6('::ffff:192.0.2.1'), 0xffffc0000201n);
  for (const bad of ['2001:db8', '1::2::3', '12345::', '1:2:3:4:5:6:7:8:9', '::ffff:300.0.0.1', 'g::1', '192.0.2.1', '1:2:3:4:5:6:7::8']) {
    assert.equal(parseIPv6(bad), undefined, bad);
  }
});

test('formatIPv6Groups writes RFC 5952 text: longest zero run compressed, first on ties, single zero groups kept', () => {
  assert.equal(formatIPv6Groups([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]), '2001:db8::1');
  assert.equal(formatIPv6Groups([0x2001, 0xdb8, 0, 1, 0, 0, 0, 1]), '2001:db8:0:1::1');
  assert.equal(formatIPv6Groups([0x2001, 0, 0, 1, 0, 0, 1, 1]), '2001::1:0:0:1:1');
  assert.equal(formatIPv6Groups([0, 0, 0, 0, 0, 0, 0, 0]), '::');
  assert.equal(formatIPv6Groups([0xfe80, 1, 2, 3, 4, 5, 6, 7]), 'fe80:1:2:3:4:5:6:7');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalAddress } from './canonical-address.ts';
import { formatIPv6, parseIPv6 } from './ipv6.ts';

test('canonical addresses: one text per host, IPv4-mapped IPv6 as IPv4, anything else refused', () => {
  assert.equal(canonicalAddress('203.0.113.9'), '203.0.113.9');
  assert.equal(canonicalAddress('2001:0DB8:0000:0000:0001:0000:0000:0001'), '2001:db8::1:0:0:1');
  assert.equal(canonicalAddress('::ffff:203.0.113.9'), '203.0.113.9');
  assert.equal(canonicalAddress('::203.0.113.9'), '::cb00:7109', 'IPv4-compatible is not IPv4-mapped');
  assert.equal(canonicalAddress('::'), '::');
  for (const bad of [' 192.0.2.1', '2001:db8::1 ', 'fe80::1%eth0', '[2001:db8::1]', `${'0:'.repeat(20)}1`, '192.0.2.1/32', '::ffff:192.0.2']) {
    assert.equal(canonicalAddress(bad), undefined, bad);
  }
});

test('formatIPv6 writes the RFC 5952 text of a 128-bit value', () => {
  assert.equal(formatIPv6(parseIPv6('2001:db8:0:0:1:0:0:1')!), '2001:db8::1:0:0:1');
  assert.equal(formatIPv6(0n), '::');
  assert.equal(formatIPv6((1n << 128n) - 1n), 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskAddress, scrubAddresses } from './address-mask.ts';
import { addressTextForms, findAddressLeak } from './leak-guard.ts';

test('every text form of an IPv6 address is found, in any case; networks and longer numbers are not leaks', () => {
  assert.deepEqual(addressTextForms('2001:db8::1'), ['2001:db8::1', '2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8:0:0:0:0:0:1']);
  assert.equal(findAddressLeak('seen at 2001:0DB8:0000:0000:0000:0000:0000:0001 today', ['2001:db8::1']), '2001:db8::1');
  assert.equal(findAddressLeak('host 192.0.2.5.', ['192.0.2.5']), '192.0.2.5');
  assert.equal(findAddressLeak('mapped ::ffff:c000:205', ['192.0.2.5']), '192.0.2.5');
  assert.equal(findAddressLeak('sysName host-192-0-2-5.isp.example', ['192.0.2.5']), '192.0.2.5');
  assert.equal(findAddressLeak('CVE-2019-192-0-2-50, 2026-12-07', ['192.0.2.5']), undefined);
  assert.equal(findAddressLeak('net 192.0.2.0/24 and 192.0.2.50 and 10.192.0.2.5', ['192.0.2.0', '192.0.2.5']), undefined);
  assert.equal(findAddressLeak('net 2001:db8::/48, 2001:db8::1:2', ['2001:db8::', '2001:db8::1']), undefined);
});

test('masking keeps the network at the mask; scrubbing removes any address-like run', () => {
  assert.equal(maskAddress('192.0.2.77', { maskIPv4: 24, maskIPv6: 48 }), '192.0.2.0/24');
  assert.equal(maskAddress('203.0.113.200', { maskIPv4: 0, maskIPv6: 48 }), '0.0.0.0/0');
  assert.equal(maskAddress('2001:db8:1234:5678::9', { maskIPv4: 24, maskIPv6: 48 }), '2001:db8:1234::/48');
  assert.equal(maskAddress('not an address', { maskIPv4: 24, maskIPv6: 48 }), undefined);
  assert.equal(scrubAddresses('at 192.0.2.7 and [2001:DB8::1]:80, fw 1.2'), 'at [address] and [[address]]:80, fw 1.2');
  assert.equal(scrubAddresses('host-192-0-2-7.isp.example'), 'host-[address].isp.example');
});

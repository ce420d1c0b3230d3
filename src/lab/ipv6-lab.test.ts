import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpenNoticeError } from '../core/errors.ts';
import { AddressSpace } from '../scope/address-space.ts';
import { labIPv6Hosts, parseLabIPv6Cidr, resolveLabOptions } from './options.ts';
import { generatePopulation } from './population.ts';

const usageError = (pattern: RegExp) => (error: unknown) => error instanceof OpenNoticeError && error.code === 'USAGE' && pattern.test(error.message);

test('an IPv6 lab network is a /64 to /120 of the documentation prefix, never unique-local space a LAN may use', () => {
  assert.equal(parseLabIPv6Cidr('2001:db8:6::/64').prefixLength, 64);
  assert.throws(() => parseLabIPv6Cidr('fd00:6::/64'), usageError(/inside the documentation prefix 2001:db8::\/32/));
  assert.throws(() => parseLabIPv6Cidr('2400:cb00::/64'), usageError(/inside the documentation prefix/));
  assert.throws(() => parseLabIPv6Cidr('2001:db8::/48'), usageError(/\/64 to \/120/));
  assert.throws(() => parseLabIPv6Cidr('2001:db8:6::1/64'), usageError(/host bits/));
  assert.equal(resolveLabOptions({ cidr: '2001:DB8:6:0::/64', deviceCount: 40 }).cidr, '2001:db8:6::/64');
  assert.throws(() => resolveLabOptions({ cidr: '2001:db8:6::/120', deviceCount: 300 }), usageError(/from 1 to 255/));
  assert.equal(labIPv6Hosts(parseLabIPv6Cidr('2001:db8:6::/64')).length, 65_534);
});

test('an IPv6 lab population: distinct canonical addresses scattered in the prefix, the same for the same seed', () => {
  const options = resolveLabOptions({ cidr: '2001:db8:6::/64', deviceCount: 40, seed: 1, hostile: false });
  const devices = generatePopulation(options);
  const addresses = devices.map((device) => device.ip);
  assert.equal(new Set(addresses).size, 40);
  const prefix = AddressSpace.fromCidrs(['2001:db8:6::/64']);
  assert.ok(
    addresses.every((ip) => prefix.has(ip) && /^2001:db8:6::[0-9a-f]{1,4}$/.test(ip)),
    addresses.join(' '),
  );
  assert.ok(
    addresses.some((ip) => Number.parseInt(ip.split('::')[1]!, 16) > 256),
    'not packed at the start of the prefix',
  );
  assert.deepEqual(
    generatePopulation(options).map((device) => device.ip),
    addresses,
  );
  // Same seed, other family: the devices themselves are drawn alike.
  const v4 = generatePopulation(resolveLabOptions({ cidr: '127.9.0.0/16', deviceCount: 40, seed: 1, hostile: false }));
  assert.deepEqual(
    devices.map((device) => device.identity?.vendor),
    v4.map((device) => device.identity?.vendor),
  );
});

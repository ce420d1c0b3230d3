import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpenNoticeError } from '../core/errors.ts';
import { defaultLabOptions, hostilePerBehaviour, labHostAddresses, parseLabCidr, resolveLabOptions } from './options.ts';
import { createRandom, hashText } from '../core/random.ts';

const usageError = (pattern: RegExp) => (error: unknown) => error instanceof OpenNoticeError && error.code === 'USAGE' && pattern.test(error.message);

test('defaults are the documented lab: 2000 devices on 127.77.0.0/16, seed 1, hostile on', () => {
  assert.deepEqual(defaultLabOptions, { cidr: '127.77.0.0/16', seed: 1, deviceCount: 2000, hostile: true });
  assert.deepEqual(resolveLabOptions(), defaultLabOptions);
  assert.deepEqual(resolveLabOptions({ deviceCount: 60, cidr: '127.78.0.0/16' }), { ...defaultLabOptions, deviceCount: 60, cidr: '127.78.0.0/16' });
});

test('the lab network must be loopback, /16 or smaller, without host bits', () => {
  assert.throws(() => parseLabCidr('10.0.0.0/16'), usageError(/inside 127\.0\.0\.0\/8/));
  assert.throws(() => parseLabCidr('192.168.0.0/16'), usageError(/loopback only/));
  assert.throws(() => parseLabCidr('127.0.0.0/8'), usageError(/\/16 to \/30/));
  assert.throws(() => parseLabCidr('127.77.0.1/16'), usageError(/host bits/));
  assert.throws(() => parseLabCidr('not-a-cidr'), usageError(/lab network/));
  assert.equal(parseLabCidr('127.80.4.0/24').prefixLength, 24);
});

test('device count must fit the network, and hostile labs need enough devices', () => {
  assert.throws(() => resolveLabOptions({ cidr: '127.9.9.0/24', deviceCount: 255 }), usageError(/from 1 to 254/));
  assert.throws(() => resolveLabOptions({ deviceCount: 0 }), usageError(/device count/));
  assert.throws(() => resolveLabOptions({ deviceCount: 1.5 }), usageError(/device count/));
  assert.throws(() => resolveLabOptions({ deviceCount: 10 }), usageError(/at least 20 devices/));
  assert.equal(resolveLabOptions({ deviceCount: 10, hostile: false }).deviceCount, 10);
  assert.throws(() => resolveLabOptions({ seed: 0.5 }), usageError(/seed/));
});

test('host addresses skip .0 and .255', () => {
  const hosts = labHostAddresses(parseLabCidr('127.9.9.0/24'));
  assert.equal(hosts.length, 254);
  assert.ok(hosts.every((address) => (address & 255) !== 0 && (address & 255) !== 255));
  assert.equal(labHostAddresses(parseLabCidr('127.77.0.0/16')).length, 256 * 254);
});

test('hostile devices: at least two of each behaviour, more in big labs', () => {
  assert.equal(hostilePerBehaviour({ ...defaultLabOptions, deviceCount: 60 }), 2);
  assert.equal(hostilePerBehaviour(defaultLabOptions), 4);
  assert.equal(hostilePerBehaviour({ ...defaultLabOptions, hostile: false }), 0);
});

test('the seeded generator is reproducible and its forks are independent', () => {
  const draws = (seed: number) => Array.from({ length: 5 }, () => createRandom(seed).fork('x').int(0, 1_000_000));
  assert.deepEqual(draws(3), draws(3));
  const a = createRandom(3);
  const b = createRandom(4);
  assert.notDeepEqual([a.next(), a.next()], [b.next(), b.next()]);
  const random = createRandom(9);
  for (let index = 0; index < 1000; index++) {
    const value = random.int(2, 5);
    assert.ok(value >= 2 && value <= 5 && Number.isInteger(value));
  }
  assert.notEqual(hashText('VM-IPC2130'), hashText('VM-IPC2140S'));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AddressSet, parseCidr } from './cidr.ts';
import { formatIPv4, parseIPv4 } from './ipv4.ts';
import { createPermutation } from './permutation.ts';
import { countTargets, permutedTargets } from './targets.ts';
import { buildScope, type Scope } from './scope.ts';
import type { OpenNoticeError } from '../core/errors.ts';
import { parseCidrList, readDefaultBlocklist } from './cidr-file.ts';

/** Small deterministic PRNG so property tests are reproducible. */
function randomSource(seed: number) {
  let state = seed >>> 0;
  return (limit: number) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % limit;
  };
}

function randomCidrs(random: (limit: number) => number, count: number, base: number): string[] {
  return Array.from({ length: count }, () => {
    const prefix = 22 + random(11);
    const size = 2 ** (32 - prefix);
    const network = base + random(4096 / size) * size;
    return `${formatIPv4(network)}/${prefix}`;
  });
}

test('parseIPv4 is strict and round-trips', () => {
  assert.equal(parseIPv4('127.77.0.1'), 0x7f4d0001);
  assert.equal(formatIPv4(0x7f4d0001), '127.77.0.1');
  for (const bad of ['1.2.3', '1.2.3.256', '01.2.3.4', '1.2.3.4 ', 'a.b.c.d', '::1']) assert.equal(parseIPv4(bad), undefined, bad);
});

test('parseCidr rejects host bits and garbage with a helpful message', () => {
  assert.deepEqual(parseCidr('10.0.0.0/8'), { network: 0x0a000000, prefixLength: 8 });
  assert.throws(() => parseCidr('10.0.0.1/8'), /did you mean 10\.0\.0\.0\/8/);
  assert.throws(() => parseCidr('10.0.0.0/33'), /not an IPv4 CIDR/);
  assert.throws(() => parseCidr('10.0.0.0/'), /not an IPv4 CIDR/);
});

test('property: set arithmetic agrees with a brute-force model', () => {
  const random = randomSource(7);
  const base = 0x0a000000; // 10.0.0.0, a 4096-address window
  for (let trial = 0; trial < 200; trial++) {
    const allow = randomCidrs(random, 1 + random(4), base);
    const exclude = randomCidrs(random, random(4), base);
    const model = new Set<number>();
    for (const cidr of allow) {
      const { network, prefixLength } = parseCidr(cidr);
      for (let index = 0; index < 2 ** (32 - prefixLength); index++) model.add(network + index);
    }
    for (const cidr of exclude) {
      const { network, prefixLength } = parseCidr(cidr);
      for (let index = 0; index < 2 ** (32 - prefixLength); index++) model.delete(network + index);
    }
    const set = AddressSet.fromCidrs(allow).subtract(AddressSet.fromCidrs(exclude));
    assert.equal(set.size, model.size);
    for (let address = base; address < base + 4096; address++) assert.equal(set.has(address), model.has(address));
    const enumerated = Array.from({ length: set.size }, (_, index) => set.addressAt(index));
    assert.deepEqual(
      enumerated,
      [...model].sort((a, b) => a - b),
    );
    assert.equal(AddressSet.fromCidrs(set.toCidrs()).size, set.size);
  }
});

test('property: permutation is a bijection for many sizes and seeds', () => {
  for (const size of [0, 1, 2, 3, 5, 16, 17, 100, 255, 256, 1000, 4097]) {
    for (const seed of [0, 1, 99, 2 ** 31 + 5]) {
      const permutation = createPermutation(size, seed);
      const seen = new Uint8Array(size);
      for (let position = 0; position < size; position++) seen[permutation.at(position)]! += 1;
      assert.ok(
        seen.every((count) => count === 1),
        `size ${size} seed ${seed}`,
      );
    }
  }
});

test('permuted order is reproducible from the seed and not address order', () => {
  const addresses = AddressSet.fromCidrs(['127.77.0.0/24']);
  const first = [...permutedTargets({ addresses, ports: [23, 80], seed: 5 })];
  const again = [...permutedTargets({ addresses, ports: [23, 80], seed: 5 })];
  const other = [...permutedTargets({ addresses, ports: [23, 80], seed: 6 })];
  assert.deepEqual(first, again);
  assert.notDeepEqual(first, other);
  const sorted = [...first].sort((a, b) => parseIPv4(a.ip)! - parseIPv4(b.ip)! || a.port - b.port);
  assert.notDeepEqual(first, sorted);
  assert.equal(new Set(first.map((t) => `${t.ip}:${t.port}`)).size, 512);
});

test('property: shards are disjoint and together cover the scope exactly', () => {
  const addresses = AddressSet.fromCidrs(['127.77.0.0/23', '127.77.8.0/25']);
  const ports = [21, 22, 23];
  const all = new Set<string>();
  for (let index = 0; index < 3; index++) {
    const shard = { index, count: 3 };
    const targets = [...permutedTargets({ addresses, ports, seed: 11, shard })];
    assert.equal(targets.length, countTargets({ addresses, ports, seed: 11, shard }));
    for (const target of targets) {
      const key = `${target.ip}:${target.port}`;
      assert.ok(!all.has(key), `duplicate ${key}`);
      all.add(key);
    }
  }
  assert.equal(all.size, addresses.size * ports.length);
});

test('property: no target outside the allow-list or inside the exclude-list is produced', () => {
  const random = randomSource(3);
  for (let trial = 0; trial < 50; trial++) {
    const allow = randomCidrs(random, 1 + random(3), 0x7f4d0000);
    const exclude = randomCidrs(random, 1 + random(3), 0x7f4d0000);
    let scope: Scope;
    try {
      scope = buildScope({ allow, exclude });
    } catch {
      continue; // everything excluded: an error, tested below
    }
    const allowSet = AddressSet.fromCidrs(allow);
    const excludeSet = AddressSet.fromCidrs(exclude);
    for (const target of permutedTargets({ addresses: scope.allowed.v4, ports: [23], seed: trial })) {
      const address = parseIPv4(target.ip)!;
      assert.ok(allowSet.has(address) && !excludeSet.has(address), target.ip);
      assert.ok(scope.allows(target.ip));
    }
  }
});

test('scope: reserved ranges are removed from real scopes, loopback is exempt', () => {
  const lab = buildScope({ allow: ['127.77.0.0/16'] });
  assert.equal(lab.loopbackOnly, true);
  assert.equal(lab.allowed.v4.size, 65536);
  const real = buildScope({ allow: ['192.168.0.0/15'] });
  assert.equal(real.loopbackOnly, false);
  assert.equal(real.allows('192.168.1.1'), false);
  assert.equal(real.allows('192.169.1.1'), true);
  assert.throws(() => buildScope({ allow: ['10.0.0.0/8'] }), /blocklist/);
  assert.throws(() => buildScope({ allow: [] }), /no target range/);
});

test('CIDR lists: comments, blank lines, and errors with the line number', () => {
  assert.deepEqual(
    parseCidrList('# c\n\n10.0.0.0/8 # private\n192.0.2.7\n', 'x').map((e) => [e.cidr, e.line]),
    [
      ['10.0.0.0/8', 3],
      ['192.0.2.7/32', 4],
    ],
  );
  assert.throws(
    () => parseCidrList('10.0.0.0/8\nnonsense\n', 'list.txt'),
    (error: OpenNoticeError) => error.context.line === 2 && error.context.file === 'list.txt',
  );
  assert.ok(readDefaultBlocklist().some((entry) => entry.cidr === '192.168.0.0/16'));
});

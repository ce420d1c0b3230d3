import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shardAddressList, shardSize } from './address-shards.ts';
import { AddressSet } from './cidr.ts';
import { ipv4AddressList, textAddressList } from './targets.ts';

const addressesOf = (list: { size: number; addressAt(index: number): string }) => Array.from({ length: list.size }, (_, index) => list.addressAt(index));

test('the shards of one seeded permutation are disjoint and cover every address exactly once', () => {
  const all = ipv4AddressList(AddressSet.fromCidrs(['127.141.0.0/22', '127.141.8.0/29']));
  for (const count of [1, 2, 3, 7, 64, 1032]) {
    const seen = new Map<string, number>();
    for (let index = 0; index < count; index++) {
      const shard = shardAddressList(all, 42, { index, count });
      assert.equal(shard.size, shardSize(all.size, { index, count }));
      for (const address of addressesOf(shard)) seen.set(address, (seen.get(address) ?? 0) + 1);
    }
    assert.equal(seen.size, all.size, `${count} shards cover the ${all.size} addresses`);
    assert.ok(
      [...seen.values()].every((times) => times === 1),
      `${count} shards: no address twice`,
    );
  }
});

test('every machine cuts the same shard from the same seed; another seed cuts another', () => {
  const all = textAddressList(Array.from({ length: 100 }, (_, index) => `127.141.1.${index}`));
  const one = addressesOf(shardAddressList(all, 7, { index: 2, count: 5 }));
  assert.deepEqual(addressesOf(shardAddressList(all, 7, { index: 2, count: 5 })), one);
  assert.notDeepEqual(addressesOf(shardAddressList(all, 8, { index: 2, count: 5 })), one);
  // Spread by the permutation, not consecutive addresses.
  assert.notDeepEqual(one, [...one].sort());
});

test('an impossible shard is refused', () => {
  const all = textAddressList(['127.0.0.1']);
  assert.throws(() => shardAddressList(all, 1, { index: 3, count: 3 }), RangeError);
  assert.throws(() => shardAddressList(all, 1, { index: 0, count: 0 }), RangeError);
  assert.equal(shardAddressList(all, 1, { index: 1, count: 2 }).size, 0, 'more shards than addresses leaves some empty');
});

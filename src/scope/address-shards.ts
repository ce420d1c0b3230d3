/**
 * Disjoint shards of a survey's addresses for a distributed survey, as ZMap's `--shards N
 * --shard I` split one seeded permutation: every machine walks the same permutation (same
 * seed, same address list) and takes every N-th position starting at I, so the shards are
 * disjoint and together cover every address exactly once, without any machine listing them.
 *
 * The permutation is over addresses, not (address, port) pairs: a host's ports are assessed
 * together (identification reads all of a host's services, login caps are per host, results
 * are saved per host, and a retried shard skips the hosts already saved), so a host must
 * belong to exactly one shard.
 */
import { createPermutation } from './permutation.ts';
import type { AddressList } from './targets.ts';

export interface ShardOf {
  /** 0 ≤ index < count. */
  index: number;
  count: number;
}

/**
 * How many addresses a shard of a list of `size` holds.
 * @example shardSize(10, { index: 1, count: 4 }) // 3 (positions 1, 5, 9)
 */
export function shardSize(size: number, shard: ShardOf): number {
  return Math.max(0, Math.ceil((size - shard.index) / shard.count));
}

/**
 * The shard's addresses, as an address list the survey's own (address × port) order walks.
 * @example shardAddressList(textAddressList(['127.0.0.1', '127.0.0.2', '127.0.0.3']), 7, { index: 0, count: 2 }).size // 2
 */
export function shardAddressList(addresses: AddressList, seed: number, shard: ShardOf): AddressList {
  if (!Number.isInteger(shard.count) || !Number.isInteger(shard.index) || shard.count < 1 || shard.index < 0 || shard.index >= shard.count) {
    throw new RangeError(`invalid shard ${shard.index}/${shard.count}`);
  }
  const permutation = createPermutation(addresses.size, seed);
  return {
    size: shardSize(addresses.size, shard),
    addressAt: (index) => addresses.addressAt(permutation.at(shard.index + index * shard.count)),
  };
}

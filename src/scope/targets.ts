import type { Target } from '../core/records.ts';
import type { AddressSet } from './cidr.ts';
import { formatIPv4 } from './ipv4.ts';
import { createPermutation } from './permutation.ts';

export interface TargetOrder {
  addresses: AddressSet;
  ports: readonly number[];
  seed: number;
  /** Take every `count`-th target starting at `index` (disjoint shards, as ZMap's --shards). */
  shard?: { index: number; count: number };
}

/** How many targets the order will yield (for progress bars and ETAs). */
export function countTargets(order: TargetOrder): number {
  const total = order.addresses.size * order.ports.length;
  const shard = order.shard ?? { index: 0, count: 1 };
  return Math.max(0, Math.ceil((total - shard.index) / shard.count));
}

/**
 * Every (address, port) pair of the scope exactly once, in a seeded pseudo-random order
 * over the whole address × port space, so neither one host nor one port is hit in a burst.
 * @example for (const target of permutedTargets({ addresses, ports: [23, 80], seed: 1 })) …
 */
export function* permutedTargets(order: TargetOrder): Generator<Target> {
  const portCount = order.ports.length;
  const permutation = createPermutation(order.addresses.size * portCount, order.seed);
  const shard = order.shard ?? { index: 0, count: 1 };
  if (shard.count < 1 || shard.index < 0 || shard.index >= shard.count) throw new RangeError(`invalid shard ${shard.index}/${shard.count}`);
  for (let position = shard.index; position < permutation.size; position += shard.count) {
    const index = permutation.at(position);
    yield { ip: formatIPv4(order.addresses.addressAt(Math.floor(index / portCount))), port: order.ports[index % portCount]! };
  }
}

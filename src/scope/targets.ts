import type { Target } from '../core/records.ts';
import type { AddressSet } from './cidr.ts';
import { formatIPv4 } from './ipv4.ts';
import { createPermutation } from './permutation.ts';

/**
 * The addresses a survey visits, indexable so the permutation can walk them in any order
 * without listing them: an IPv4 set (a /8 costs a few numbers), a hit list, or both in turn.
 */
export interface AddressList {
  readonly size: number;
  /** The index-th address's text (0 ≤ index < size). */
  addressAt(index: number): string;
}

/**
 * An IPv4 set as an address list, in ascending order.
 * @example ipv4AddressList(AddressSet.fromCidrs(['192.0.2.0/30'])).addressAt(1) // '192.0.2.1'
 */
export function ipv4AddressList(set: AddressSet): AddressList {
  return { size: set.size, addressAt: (index) => formatIPv4(set.addressAt(index)) };
}

/**
 * Lists one after the other (an IPv4 scope, then its IPv6 hit list).
 * @example joinAddressLists([ipv4AddressList(set), textAddressList(['2001:db8::7'])]).size
 */
export function joinAddressLists(lists: readonly AddressList[]): AddressList {
  const parts = lists.filter((list) => list.size > 0);
  if (parts.length === 1) return parts[0]!;
  return {
    size: parts.reduce((total, list) => total + list.size, 0),
    addressAt(index) {
      let rest = index;
      for (const list of parts) {
        if (rest < list.size) return list.addressAt(rest);
        rest -= list.size;
      }
      throw new RangeError(`address index ${index} outside the list`);
    },
  };
}

/** @example textAddressList(['2001:db8::7', '2001:db8::9']).addressAt(0) // '2001:db8::7' */
export function textAddressList(addresses: readonly string[]): AddressList {
  return { size: addresses.length, addressAt: (index) => addresses[index]! };
}

export interface TargetOrder {
  /** An address list, or an IPv4 set (as `ipv4AddressList` makes it). */
  addresses: AddressList | AddressSet;
  ports: readonly number[];
  seed: number;
  /** Take every `count`-th target starting at `index` (disjoint shards, as ZMap's --shards). */
  shard?: { index: number; count: number };
}

function listOf(addresses: AddressList | AddressSet): AddressList {
  return 'ranges' in addresses ? ipv4AddressList(addresses) : addresses;
}

/** How many targets the order will yield (for progress bars and ETAs). */
export function countTargets(order: TargetOrder): number {
  const total = listOf(order.addresses).size * order.ports.length;
  const shard = order.shard ?? { index: 0, count: 1 };
  return Math.max(0, Math.ceil((total - shard.index) / shard.count));
}

/**
 * Every (address, port) pair of the scope exactly once, in a seeded pseudo-random order
 * over the whole address × port space, so neither one host nor one port is hit in a burst.
 * @example for (const target of permutedTargets({ addresses, ports: [23, 80], seed: 1 })) …
 */
export function* permutedTargets(order: TargetOrder): Generator<Target> {
  const addresses = listOf(order.addresses);
  const portCount = order.ports.length;
  const permutation = createPermutation(addresses.size * portCount, order.seed);
  const shard = order.shard ?? { index: 0, count: 1 };
  if (shard.count < 1 || shard.index < 0 || shard.index >= shard.count) throw new RangeError(`invalid shard ${shard.index}/${shard.count}`);
  for (let position = shard.index; position < permutation.size; position += shard.count) {
    const index = permutation.at(position);
    yield { ip: addresses.addressAt(Math.floor(index / portCount)), port: order.ports[index % portCount]! };
  }
}

/**
 * A bounded cache keyed by network (CIDR), so one RDAP answer covers every address of the
 * network it names. Lookup by address tries only the prefix lengths present in the cache,
 * longest first. Entries expire after their own TTL; past `maxEntries` the least recently
 * used goes first (a Map keeps insertion order; a hit re-inserts).
 */
import { parseAddress } from './address.ts';

export interface NetworkCache<V> {
  /** The value of the most specific unexpired network holding `address`. */
  get(address: string): V | undefined;
  /** Remember `value` for every address in `cidr` for `ttlMs`. */
  set(cidr: string, value: V, ttlMs: number): void;
  readonly size: number;
}

interface Entry<V> {
  value: V;
  expiresAt: number;
  lengthKey: string;
}

/**
 * @example
 * const cache = createNetworkCache<string>({ maxEntries: 1000, now: Date.now });
 * cache.set('192.0.2.0/24', 'abuse@example.net', 3_600_000);
 * cache.get('192.0.2.77') // 'abuse@example.net'
 */
export function createNetworkCache<V>(options: { maxEntries: number; now: () => number }): NetworkCache<V> {
  const entries = new Map<string, Entry<V>>();
  // How many entries each (family, length) has, so a lookup skips absent lengths.
  const lengthCounts = new Map<string, number>();
  const lengthsByFamily = { 4: [] as number[], 6: [] as number[] };

  const countLength = (lengthKey: string, delta: number) => {
    const count = (lengthCounts.get(lengthKey) ?? 0) + delta;
    if (count > 0) lengthCounts.set(lengthKey, count);
    else lengthCounts.delete(lengthKey);
    if (count > 1 || (count === 1 && delta < 0)) return; // the set of lengths did not change
    for (const family of [4, 6] as const) {
      lengthsByFamily[family] = [...lengthCounts.keys()]
        .filter((key) => key.startsWith(`${family}/`))
        .map((key) => Number(key.slice(2)))
        .sort((a, b) => b - a);
    }
  };
  const remove = (key: string, entry: Entry<V>) => {
    entries.delete(key);
    countLength(entry.lengthKey, -1);
  };

  return {
    get(address) {
      const parsed = parseAddress(address);
      if (!parsed) return undefined;
      for (const length of lengthsByFamily[parsed.family]) {
        const key = networkKey(parsed, length);
        const entry = entries.get(key);
        if (!entry) continue;
        if (entry.expiresAt <= options.now()) {
          remove(key, entry);
          continue;
        }
        entries.delete(key);
        entries.set(key, entry);
        return entry.value;
      }
      return undefined;
    },
    set(cidr, value, ttlMs) {
      const [addressText, lengthText] = cidr.split('/');
      const parsed = parseAddress(addressText ?? '');
      const length = Number(lengthText);
      if (!parsed || !Number.isInteger(length)) return;
      const key = networkKey(parsed, length);
      const existing = entries.get(key);
      if (existing) remove(key, existing);
      const lengthKey = `${parsed.family}/${length}`;
      entries.set(key, { value, expiresAt: options.now() + ttlMs, lengthKey });
      countLength(lengthKey, 1);
      while (entries.size > options.maxEntries) {
        const [oldestKey, oldest] = entries.entries().next().value!;
        remove(oldestKey, oldest);
      }
    },
    get size() {
      return entries.size;
    },
  };
}

function networkKey(address: { family: 4; first: number } | { family: 6; first: bigint }, length: number): string {
  if (address.family === 4) {
    const size = 2 ** (32 - length);
    return `4:${address.first - (address.first % size)}/${length}`;
  }
  const hostMask = (1n << BigInt(128 - length)) - 1n;
  return `6:${(address.first & ~hostMask).toString(16)}/${length}`;
}

/**
 * The known research scanners (by source range), kept apart from infected sources: they scan
 * the whole Internet on purpose and say so. Configurable because the list changes.
 */
import { OpenNoticeError } from '../../core/errors.ts';
import { AddressSet, type AddressRange } from '../../scope/cidr.ts';
import { parseIPv4 } from '../../scope/ipv4.ts';
import { parseIPv6 } from '../../scope/ipv6.ts';

export interface ResearchScannerList {
  /** True when the IPv4 address (unsigned 32-bit) lies in a listed range. */
  containsV4(address: number): boolean;
  /** True when the address text (IPv4 or IPv6) lies in a listed range. */
  contains(address: string): boolean;
}

interface Ipv6Prefix {
  network: bigint;
  mask: bigint;
}

const all128 = (1n << 128n) - 1n;

function readCidr(cidr: string): { v4: AddressRange } | { v6: Ipv6Prefix } {
  const invalid = () => new OpenNoticeError('CONFIG_INVALID', `research scanner range is not a CIDR: ${cidr}`, { cidr });
  const [address = '', prefixText] = cidr.trim().split('/');
  const prefix = Number(prefixText);
  if (!Number.isInteger(prefix) || prefixText === undefined) throw invalid();
  if (!address.includes(':')) {
    const value = parseIPv4(address);
    if (value === undefined || prefix < 0 || prefix > 32) throw invalid();
    // Host bits are masked off, as a list of "scanner at 192.0.2.7/24" means its network.
    const size = 2 ** (32 - prefix);
    const first = value - (value % size);
    return { v4: { first, last: first + size - 1 } };
  }
  const value = parseIPv6(address);
  if (value === undefined || prefix < 0 || prefix > 128) throw invalid();
  const mask = prefix === 0 ? 0n : (all128 << BigInt(128 - prefix)) & all128;
  return { v6: { network: value & mask, mask } };
}

/**
 * Build the matcher from CIDRs (IPv4 or IPv6).
 * @example createResearchScannerList(['203.0.113.0/24']).contains('203.0.113.7') === true
 */
export function createResearchScannerList(cidrs: readonly string[]): ResearchScannerList {
  const v4Ranges: AddressRange[] = [];
  const v6Prefixes: Ipv6Prefix[] = [];
  for (const cidr of cidrs) {
    const parsed = readCidr(cidr);
    if ('v4' in parsed) v4Ranges.push(parsed.v4);
    else v6Prefixes.push(parsed.v6);
  }
  const v4 = AddressSet.fromRanges(v4Ranges);
  return {
    containsV4: (address) => v4.has(address),
    contains(address) {
      const asV4 = parseIPv4(address);
      if (asV4 !== undefined) return v4.has(asV4);
      const asV6 = parseIPv6(address);
      return asV6 !== undefined && v6Prefixes.some((prefix) => (asV6 & prefix.mask) === prefix.network);
    },
  };
}

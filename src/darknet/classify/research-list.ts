/**
 * The known research scanners (by source range), kept apart from infected sources: they scan
 * the whole Internet on purpose and say so. Configurable because the list changes.
 */
import { BlockList } from 'node:net';
import { OpenNoticeError } from '../../core/errors.ts';

export interface ResearchScannerList {
  /** True when the IPv4 address (unsigned 32-bit) lies in a listed range. */
  containsV4(address: number): boolean;
  /** True when the address text (IPv4 or IPv6) lies in a listed range. */
  contains(address: string): boolean;
}

/**
 * Build the matcher from CIDRs (IPv4 or IPv6).
 * @example createResearchScannerList(['203.0.113.0/24']).contains('203.0.113.7') === true
 */
export function createResearchScannerList(cidrs: readonly string[]): ResearchScannerList {
  const v4: Array<[number, number]> = [];
  const blocks = new BlockList();
  for (const cidr of cidrs) {
    const [address, prefixText] = cidr.trim().split('/');
    const prefix = Number(prefixText);
    const isV6 = address.includes(':');
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > (isV6 ? 128 : 32)) {
      throw new OpenNoticeError('CONFIG_INVALID', `research scanner range is not a CIDR: ${cidr}`, { cidr });
    }
    try {
      blocks.addSubnet(address, prefix, isV6 ? 'ipv6' : 'ipv4');
    } catch (error) {
      throw new OpenNoticeError('CONFIG_INVALID', `research scanner range is not a CIDR: ${cidr}`, { cidr }, { cause: error });
    }
    if (!isV6) {
      const parts = address.split('.').map(Number);
      const value = ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
      const base = prefix === 0 ? 0 : (value & (~0 << (32 - prefix))) >>> 0;
      v4.push([base, base + 2 ** (32 - prefix)]);
    }
  }
  return {
    containsV4: (address) => v4.some(([from, to]) => address >= from && address < to),
    contains: (address) => blocks.check(address, address.includes(':') ? 'ipv6' : 'ipv4'),
  };
}

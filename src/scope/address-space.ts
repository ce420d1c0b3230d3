/**
 * Addresses of both families: an IPv4 `AddressSet` and an IPv6 `IPv6Set` side by side. Scopes,
 * exclusions, opt-outs and the blocklist are lists of CIDRs of either family; this is where a
 * CIDR's text decides which half it joins, so no caller needs to tell them apart.
 */
import { OpenNoticeError, quoted } from '../core/errors.ts';
import { AddressSet, formatCidr, parseCidr } from './cidr.ts';
import { formatIPv6Cidr, IPv6Set, parseIPv6Cidr } from './cidr6.ts';
import { parseIPv4 } from './ipv4.ts';
import { parseIPv6 } from './ipv6.ts';

export type AddressFamilyName = 'ipv4' | 'ipv6';

/** A CIDR of either family, parsed and in its canonical text. */
export interface AnyCidr {
  family: AddressFamilyName;
  /** Canonical text: "192.0.2.0/24", "2001:db8::/32" (RFC 5952 address, lower case). */
  text: string;
  prefixLength: number;
}

/**
 * Parse an IPv4 or IPv6 CIDR (or a bare address: /32 or /128); the text's colon decides the
 * family. Throws SCOPE_INVALID with the family's own message (host bits set, bad length …).
 * @example parseAnyCidr('2001:DB8:6::/64') // { family: 'ipv6', text: '2001:db8:6::/64', prefixLength: 64 }
 * @example parseAnyCidr('192.0.2.0/24').family // 'ipv4'
 */
export function parseAnyCidr(text: string): AnyCidr {
  if (text.includes(':')) {
    const cidr = parseIPv6Cidr(text);
    return { family: 'ipv6', text: formatIPv6Cidr(cidr), prefixLength: cidr.prefixLength };
  }
  // Text that is not even digits and dots may have been meant as either family: name both.
  if (!/^[\d.]+(\/\d*)?$/.test(text.trim()))
    throw new OpenNoticeError('SCOPE_INVALID', `not a CIDR: ${quoted(text)} (expected e.g. 192.0.2.0/24 or 2001:db8::/32)`);
  const cidr = parseCidr(text);
  return { family: 'ipv4', text: formatCidr(cidr), prefixLength: cidr.prefixLength };
}

/** Addresses of both families (immutable). */
export class AddressSpace {
  readonly v4: AddressSet;
  readonly v6: IPv6Set;

  constructor(v4: AddressSet, v6: IPv6Set) {
    this.v4 = v4;
    this.v6 = v6;
  }

  static empty(): AddressSpace {
    return new AddressSpace(AddressSet.empty(), IPv6Set.empty());
  }

  /** @example AddressSpace.fromCidrs(['192.0.2.0/24', '2001:db8::/32']) */
  static fromCidrs(cidrs: readonly string[]): AddressSpace {
    const v4: string[] = [];
    const v6: string[] = [];
    for (const text of cidrs) {
      const cidr = parseAnyCidr(text);
      (cidr.family === 'ipv4' ? v4 : v6).push(cidr.text);
    }
    return new AddressSpace(AddressSet.fromCidrs(v4), IPv6Set.fromCidrs(v6));
  }

  union(other: AddressSpace): AddressSpace {
    return new AddressSpace(this.v4.union(other.v4), this.v6.union(other.v6));
  }

  subtract(other: AddressSpace): AddressSpace {
    return new AddressSpace(this.v4.subtract(other.v4), this.v6.subtract(other.v6));
  }

  /** True when neither family has an address. */
  get isEmpty(): boolean {
    return this.v4.size === 0 && this.v6.size === 0n;
  }

  /**
   * Whether the address text (IPv4 dotted quad or IPv6) is in the set; anything else is not.
   * @example AddressSpace.fromCidrs(['2001:db8::/32']).has('2001:db8::7') // true
   */
  has(ip: string): boolean {
    const v4 = parseIPv4(ip);
    if (v4 !== undefined) return this.v4.has(v4);
    if (!ip.includes(':')) return false;
    const v6 = parseIPv6(ip);
    return v6 !== undefined && this.v6.has(v6);
  }

  /** Every range as minimal CIDR blocks, IPv4 first. */
  toCidrs(): string[] {
    return [...this.v4.toCidrs(), ...this.v6.toCidrs()];
  }
}

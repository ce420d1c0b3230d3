import { OpenNoticeError } from '../core/errors.ts';
import { AddressSpace } from './address-space.ts';
import { readDefaultBlocklist } from './cidr-file.ts';
import { isLoopbackIPv4, parseIPv4 } from './ipv4.ts';
import { parseIPv6 } from './ipv6.ts';

/** Addresses that never leave this host: the lab's, exempt from the blocklist. */
const loopback = AddressSpace.fromCidrs(['127.0.0.0/8', '::1/128']);

/**
 * The only reserved space a caller may open explicitly (`ScopeOptions.allowReserved`): the
 * documentation ranges (RFC 5737, RFC 3849, RFC 9637), which no network routes or configures,
 * so a test's network namespace may number its devices from them without any other host
 * answering there. Not private or unique-local space: real LANs use it.
 */
export const exemptableReserved = AddressSpace.fromCidrs(['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32', '3fff::/20']);

/**
 * What may be contacted. `allowed` = requested − excluded − opted out − blocklist, with loopback
 * exempt from the blocklist so the lab can be surveyed. The dialer consults
 * `allows()` on every connection, so an excluded address is never contacted even
 * if some stage (a redirect, an imported file) names it. Both families: IPv4 and IPv6 CIDRs.
 */
export interface Scope {
  requested: AddressSpace;
  excluded: AddressSpace;
  /** Ranges whose owners asked not to be surveyed (approved opt-out requests). */
  optedOut: AddressSpace;
  allowed: AddressSpace;
  /** True when every requested address is on this host (no survey plan needed). */
  loopbackOnly: boolean;
  allows(ip: string): boolean;
}

export interface ScopeOptions {
  allow: readonly string[];
  exclude?: readonly string[];
  /** Approved opt-out ranges: never contacted, like exclusions, and counted apart in messages. */
  optOuts?: readonly string[];
  /** Defaults to the shipped blocklist; pass an empty set only in tests. */
  blocklist?: AddressSpace;
  /**
   * Reserved ranges taken out of the blocklist for this scope, as loopback always is: the
   * documentation prefix of a test's or lab's network namespace (e.g. 2001:db8:6::/64). Only
   * documentation space qualifies (`exemptableReserved`); never set by the
   * CLI or a plan, so production surveys keep the whole blocklist.
   */
  allowReserved?: readonly string[];
}

/**
 * @example buildScope({ allow: ['127.77.0.0/16'], exclude: ['127.77.9.0/24'] })
 * @example buildScope({ allow: ['2001:db8:6::/64'], allowReserved: ['2001:db8:6::/64'] }) // a test namespace's prefix
 */
export function buildScope(options: ScopeOptions): Scope {
  const requested = AddressSpace.fromCidrs(options.allow);
  const excluded = AddressSpace.fromCidrs(options.exclude ?? []);
  const optedOut = AddressSpace.fromCidrs(options.optOuts ?? []);
  const exempt = AddressSpace.fromCidrs(options.allowReserved ?? []);
  if (!exempt.subtract(exemptableReserved).isEmpty) {
    throw new OpenNoticeError(
      'SCOPE_INVALID',
      `only documentation ranges may be taken out of the blocklist, not ${exempt.subtract(exemptableReserved).toCidrs().join(', ')}`,
    );
  }
  const blocklist = (options.blocklist ?? defaultBlocklist()).subtract(loopback).subtract(exempt);
  const allowed = requested.subtract(excluded).subtract(optedOut).subtract(blocklist);
  if (requested.isEmpty) throw new OpenNoticeError('SCOPE_EMPTY', 'no target range given (use --target CIDR, --targets FILE or a survey plan)');
  if (allowed.isEmpty) throw new OpenNoticeError('SCOPE_EMPTY', 'every requested address is excluded, opted out or on the reserved-range blocklist');
  return {
    requested,
    excluded,
    optedOut,
    allowed,
    loopbackOnly: requested.subtract(loopback).isEmpty,
    allows: (ip: string): boolean => allowed.has(ip),
  };
}

/**
 * The shipped blocklist (src/scope/default-blocklist.conf), both families.
 * @example defaultBlocklist().has('fe80::1') // true
 */
export function defaultBlocklist(): AddressSpace {
  return AddressSpace.fromCidrs(readDefaultBlocklist().map((entry) => entry.cidr));
}

/** True when the address text is a loopback address (127.0.0.0/8 or ::1). */
export function isLoopbackAddress(ip: string): boolean {
  const address = parseIPv4(ip);
  if (address !== undefined) return isLoopbackIPv4(address);
  return ip.includes(':') && parseIPv6(ip) === 1n;
}

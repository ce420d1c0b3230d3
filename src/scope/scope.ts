import { OpenNoticeError } from '../core/errors.ts';
import { AddressSet } from './cidr.ts';
import { readDefaultBlocklist } from './cidr-file.ts';
import { isLoopbackIPv4, parseIPv4 } from './ipv4.ts';

const loopback = AddressSet.fromCidrs(['127.0.0.0/8']);

/**
 * What may be contacted. `allowed` = requested − excluded − opted out − blocklist, with loopback
 * exempt from the blocklist so the lab can be surveyed. The dialer consults
 * `allows()` on every connection, so an excluded address is never contacted even
 * if some stage (a redirect, an imported file) names it.
 */
export interface Scope {
  requested: AddressSet;
  excluded: AddressSet;
  /** Ranges whose owners asked not to be surveyed (approved opt-out requests). */
  optedOut: AddressSet;
  allowed: AddressSet;
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
  blocklist?: AddressSet;
}

/**
 * @example buildScope({ allow: ['127.77.0.0/16'], exclude: ['127.77.9.0/24'] })
 */
export function buildScope(options: ScopeOptions): Scope {
  const requested = AddressSet.fromCidrs(options.allow);
  const excluded = AddressSet.fromCidrs(options.exclude ?? []);
  const optedOut = AddressSet.fromCidrs(options.optOuts ?? []);
  const blocklist = (options.blocklist ?? AddressSet.fromCidrs(readDefaultBlocklist().map((entry) => entry.cidr))).subtract(loopback);
  const allowed = requested.subtract(excluded).subtract(optedOut).subtract(blocklist);
  if (requested.size === 0) throw new OpenNoticeError('SCOPE_EMPTY', 'no target range given (use --target CIDR, --targets FILE or a survey plan)');
  if (allowed.size === 0) throw new OpenNoticeError('SCOPE_EMPTY', 'every requested address is excluded, opted out or on the reserved-range blocklist');
  return {
    requested,
    excluded,
    optedOut,
    allowed,
    loopbackOnly: requested.subtract(loopback).size === 0,
    allows(ip: string): boolean {
      const address = parseIPv4(ip);
      return address !== undefined && allowed.has(address);
    },
  };
}

/** True when the address text is an IPv4 loopback address. */
export function isLoopbackAddress(ip: string): boolean {
  const address = parseIPv4(ip);
  return address !== undefined && isLoopbackIPv4(address);
}

/**
 * Sorting attacker addresses (canonical text, src/scope/canonical-address.ts) numerically.
 */
import { parseIPv4 } from '../../scope/ipv4.ts';
import { parseIPv6 } from '../../scope/ipv6.ts';

/**
 * A string that sorts addresses numerically, IPv4 before IPv6 (for canonical input).
 * @example addressSortKey('10.0.0.2') < addressSortKey('10.0.0.10') // true
 */
export function addressSortKey(canonical: string): string {
  const v4 = parseIPv4(canonical);
  if (v4 !== undefined) return `4${v4.toString(16).padStart(8, '0')}`;
  const v6 = parseIPv6(canonical);
  return v6 === undefined ? `9${canonical}` : `6${v6.toString(16).padStart(32, '0')}`;
}

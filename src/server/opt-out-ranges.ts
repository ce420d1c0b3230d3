/**
 * What the opt-out form and the operator's queue need to know about a requested range:
 * whether it touches special-purpose address space, and whether it is very broad.
 *
 * Special-purpose space (private, loopback, link-local, multicast, documentation, reserved,
 * 0.0.0.0/8 … the IANA registries of RFC 6890, as listed in src/scope/default-blocklist.conf)
 * is never surveyed, so an opt-out for it asks for nothing; a request such as `0.0.0.0/0` or
 * `10.0.0.0/8` is a mistake or a probe, and the public form refuses it with the range named.
 * A global range shorter than /16 (IPv4) or /32 (IPv6, a registry's usual allocation to an
 * ISP) is accepted but flagged in the queue: one requester rarely holds that much, so the
 * operator checks before approving.
 */
import { AddressSpace, type AnyCidr, parseAnyCidr } from '../scope/address-space.ts';
import { readDefaultBlocklist } from '../scope/cidr-file.ts';

/** Prefixes shorter than these are flagged as very broad. */
export const broadPrefixLength = { ipv4: 16, ipv6: 32 } as const;

export type RangeConcern =
  | { kind: 'special-purpose'; cidr: string; overlaps: string; why: string }
  | { kind: 'broad'; cidr: string; prefixLength: number; shortestUsual: number };

export interface OptOutRangeCheck {
  /** The special-purpose entry a range overlaps (the first in the registry order), if any. */
  specialPurpose(cidr: AnyCidr): { overlaps: string; why: string } | undefined;
  /** Every concern about stored ranges, for the operator's queue (ranges that do not parse are skipped). */
  concerns(cidrs: readonly string[]): RangeConcern[];
}

const firstAddress = (cidr: string) => cidr.slice(0, cidr.indexOf('/'));

/**
 * @example const check = createOptOutRangeCheck(); check.specialPurpose(parseAnyCidr('10.0.0.0/8')) // { overlaps: '10.0.0.0/8', why: 'private use (RFC 1918)' }
 */
export function createOptOutRangeCheck(): OptOutRangeCheck {
  const entries = readDefaultBlocklist().map((entry) => ({ cidr: entry.cidr, why: entry.comment, space: AddressSpace.fromCidrs([entry.cidr]) }));
  const specialPurpose = (cidr: AnyCidr) => {
    const space = AddressSpace.fromCidrs([cidr.text]);
    // Two prefixes overlap exactly when one holds the other's first address.
    const entry = entries.find((candidate) => space.has(firstAddress(candidate.cidr)) || candidate.space.has(firstAddress(cidr.text)));
    return entry ? { overlaps: entry.cidr, why: entry.why } : undefined;
  };
  return {
    specialPurpose,
    concerns(cidrs) {
      const concerns: RangeConcern[] = [];
      for (const text of cidrs) {
        let cidr: AnyCidr;
        try {
          cidr = parseAnyCidr(text);
        } catch {
          continue;
        }
        const special = specialPurpose(cidr);
        if (special) concerns.push({ kind: 'special-purpose', cidr: cidr.text, ...special });
        const shortestUsual = broadPrefixLength[cidr.family];
        if (cidr.prefixLength < shortestUsual) concerns.push({ kind: 'broad', cidr: cidr.text, prefixLength: cidr.prefixLength, shortestUsual });
      }
      return concerns;
    },
  };
}

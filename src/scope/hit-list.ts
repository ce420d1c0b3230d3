/**
 * IPv6 is surveyed from lists, not sweeps. A /64 holds 2^64 addresses — no survey can visit
 * them, and a scan that tried would mostly knock on empty space — so an IPv6 scope is covered
 * through an address list (a hit list: addresses seen in DNS, logs, earlier scans, an ISP's
 * assignment records), each address filtered by the scope like any target. Only an IPv6
 * scope no larger than a /120 may still be enumerated.
 */
import { readFileSync } from 'node:fs';
import { OpenNoticeError } from '../core/errors.ts';
import { canonicalAddress } from './canonical-address.ts';
import { formatIPv6 } from './ipv6.ts';
import type { Scope } from './scope.ts';
import { type AddressList, ipv4AddressList, joinAddressLists, textAddressList } from './targets.ts';

/** The most IPv6 addresses a scope may have to be swept without a list: a /120. */
export const maxSweptIPv6Addresses = 256n;

/** A hit list longer than this is refused: its addresses are held in memory. */
export const maxHitListAddresses = 10_000_000;

/**
 * Parse a hit list: one IPv4 or IPv6 address per line, "#" comments and blank lines ignored;
 * each address in its canonical text, each once, in file order. A line that is not an address
 * (a CIDR, a host name) is a SCOPE_INVALID error at its file:line: a list names hosts.
 * @example parseHitList('2001:db8:6::a  # camera\n2001:DB8:6::b\n', 'hits.txt') // ['2001:db8:6::a', '2001:db8:6::b']
 */
export function parseHitList(text: string, file: string): string[] {
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((rawLine, index) => {
    const hash = rawLine.indexOf('#');
    const content = (hash >= 0 ? rawLine.slice(0, hash) : rawLine).trim();
    if (!content) return;
    const address = canonicalAddress(content);
    if (address === undefined) {
      throw new OpenNoticeError('SCOPE_INVALID', `"${content.slice(0, 80)}" is not an IPv4 or IPv6 address (a hit list names one address a line)`, {
        file,
        line: index + 1,
      });
    }
    if (seen.size >= maxHitListAddresses) throw new OpenNoticeError('SCOPE_INVALID', `a hit list may name at most ${maxHitListAddresses} addresses`, { file });
    seen.add(address);
  });
  return [...seen];
}

/** @example readHitList('plans/hits-2025-q1.txt') */
export function readHitList(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new OpenNoticeError('SCOPE_INVALID', `cannot read the hit list: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { file });
  }
  return parseHitList(text, file);
}

/** What a survey visits, and what a hit list lost to the scope. */
export interface SurveyAddresses {
  addresses: AddressList;
  /** Addresses of the hit list outside the allowed scope (excluded, opted out, blocklisted, elsewhere): never contacted. */
  leftOut: number;
}

/**
 * The addresses a survey visits: with a hit list, exactly its addresses that the scope allows
 * (both families, nothing else); without one, the IPv4 scope whole and the IPv6 scope when it
 * is no larger than a /120 — a larger IPv6 scope without a list is a SCOPE_INVALID error.
 * @example surveyAddresses(scope, ['2001:db8:6::a', '2001:db8:6::b']).addresses.size // 2 when both are allowed
 */
export function surveyAddresses(scope: Scope, hitList?: readonly string[]): SurveyAddresses {
  if (hitList) {
    const inScope = hitList.filter((address) => scope.allows(address));
    return { addresses: textAddressList(inScope), leftOut: hitList.length - inScope.length };
  }
  const v6 = scope.allowed.v6;
  if (v6.size > maxSweptIPv6Addresses) {
    throw new OpenNoticeError(
      'SCOPE_INVALID',
      `the IPv6 scope (${v6.toCidrs().slice(0, 3).join(', ')}${v6.ranges.length > 3 ? ' …' : ''}) is larger than a /120: IPv6 is surveyed from address lists, not sweeps — give --hit-list FILE (or the plan's hitList), or --input FILE with ZMap/masscan output`,
    );
  }
  const v6Addresses = Array.from({ length: Number(v6.size) }, (_, index) => formatIPv6(v6.addressAt(BigInt(index))));
  return { addresses: joinAddressLists([ipv4AddressList(scope.allowed.v4), textAddressList(v6Addresses)]), leftOut: 0 };
}

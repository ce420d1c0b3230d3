import type { Target } from '../core/records.ts';
import type { DialFailureCode } from './connection.ts';
import { parseIPv4 } from './ipv4.ts';
import { parseIPv6 } from './ipv6.ts';
import type { Scope } from './scope.ts';

/** The address families the dialer sends packets to. */
export type AddressFamily = 4 | 6;

/** Why `checkTarget` refused a target before any packet was sent. */
export type TargetRefusal = Extract<DialFailureCode, 'unsupported-address' | 'out-of-scope' | 'invalid-port'>;

export type TargetCheck = { family: AddressFamily } | { refused: TargetRefusal; message: string };

/** The node:dgram socket type for each family the dialer supports. */
export const datagramSocketType: { readonly [family in AddressFamily]: 'udp4' | 'udp6' } = { 4: 'udp4', 6: 'udp6' };

/** Text an IPv6 literal may hold: hex digits and colons (dots for an embedded IPv4 tail), no zone, no spaces. */
const ipv6Text = /^[0-9a-fA-F:.]{2,45}$/;

/**
 * The family of an address literal the dialer accepts, or undefined. Host names are never
 * accepted: resolving one would let DNS, not the scope, decide where packets go. Nor are
 * IPv4-mapped IPv6 literals (::ffff:a.b.c.d): the kernel sends those to the IPv4 host, which
 * the IPv4 scope must decide about, so the IPv4 text is the one to dial.
 * @example addressFamily('127.0.0.1') // 4
 * @example addressFamily('2001:db8::7') // 6
 * @example addressFamily('::ffff:192.0.2.7') // undefined
 */
export function addressFamily(ip: string): AddressFamily | undefined {
  if (parseIPv4(ip) !== undefined) return 4;
  if (!ip.includes(':') || !ipv6Text.test(ip)) return undefined;
  const value = parseIPv6(ip);
  if (value === undefined || value >> 32n === 0xffffn) return undefined;
  return 6;
}

/**
 * The check every transport runs before anything else: an accepted address literal, inside
 * the scope (allowed − excluded − blocklist), and a real port. Pure: the dialer counts.
 * @example checkTarget(scope, { ip: '8.8.8.8', port: 53 }) // { refused: 'out-of-scope', message: '8.8.8.8 is outside …' }
 */
export function checkTarget(scope: Scope, target: Target): TargetCheck {
  const family = addressFamily(target.ip);
  if (family === undefined) return { refused: 'unsupported-address', message: `not an IPv4 or IPv6 address literal: ${target.ip}` };
  if (!scope.allows(target.ip)) return { refused: 'out-of-scope', message: `${target.ip} is outside the scope or excluded` };
  if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65535) return { refused: 'invalid-port', message: `invalid port ${target.port}` };
  return { family };
}

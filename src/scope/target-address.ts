import type { Target } from '../core/records.ts';
import type { DialFailureCode } from './connection.ts';
import { parseIPv4 } from './ipv4.ts';
import type { Scope } from './scope.ts';

/**
 * The address families the dialer sends packets to. Only IPv4 today: adding IPv6 means
 * widening this type, `addressFamily` and `datagramSocketType` below (the compiler then
 * points at every use), and teaching `Scope.allows` IPv6 sets.
 */
export type AddressFamily = 4;

/** Why `checkTarget` refused a target before any packet was sent. */
export type TargetRefusal = Extract<DialFailureCode, 'unsupported-address' | 'out-of-scope' | 'invalid-port'>;

export type TargetCheck = { family: AddressFamily } | { refused: TargetRefusal; message: string };

/** The node:dgram socket type for each family the dialer supports. */
export const datagramSocketType: { readonly [family in AddressFamily]: 'udp4' | 'udp6' } = { 4: 'udp4' };

/**
 * The family of an address literal the dialer accepts, or undefined. Host names are never
 * accepted: resolving one would let DNS, not the scope, decide where packets go.
 * @example addressFamily('127.0.0.1') // 4
 * @example addressFamily('::1') // undefined (not dialed yet)
 */
export function addressFamily(ip: string): AddressFamily | undefined {
  return parseIPv4(ip) === undefined ? undefined : 4;
}

/**
 * The check every transport runs before anything else: an accepted address literal, inside
 * the scope (allowed − excluded − blocklist), and a real port. Pure: the dialer counts.
 * @example checkTarget(scope, { ip: '8.8.8.8', port: 53 }) // { refused: 'out-of-scope', message: '8.8.8.8 is outside …' }
 */
export function checkTarget(scope: Scope, target: Target): TargetCheck {
  const family = addressFamily(target.ip);
  if (family === undefined) return { refused: 'unsupported-address', message: `not an IPv4 address literal: ${target.ip}` };
  if (!scope.allows(target.ip)) return { refused: 'out-of-scope', message: `${target.ip} is outside the scope or excluded` };
  if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65535) return { refused: 'invalid-port', message: `invalid port ${target.port}` };
  return { family };
}

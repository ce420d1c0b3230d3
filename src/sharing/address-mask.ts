/**
 * What a masked share shows of an address: its network at the recipient's mask, and free
 * text with anything that looks like an address taken out.
 */
import { formatIPv4, parseIPv4 } from '../scope/ipv4.ts';
import { formatIPv6, parseIPv6 } from '../scope/ipv6.ts';

export interface MaskLengths {
  maskIPv4: number;
  maskIPv6: number;
}

/**
 * The network holding `ip` at the mask, in CIDR text; undefined when `ip` is not an address.
 * @example maskAddress('192.0.2.77', { maskIPv4: 24, maskIPv6: 48 }) // '192.0.2.0/24'
 */
export function maskAddress(ip: string, masks: MaskLengths): string | undefined {
  const v4 = parseIPv4(ip);
  if (v4 !== undefined) {
    const hostBits = 32 - masks.maskIPv4;
    // >>> 0 keeps the result unsigned; a shift by 32 is a no-op in JavaScript, hence the special case.
    const network = hostBits >= 32 ? 0 : ((v4 >>> hostBits) << hostBits) >>> 0;
    return `${formatIPv4(network)}/${masks.maskIPv4}`;
  }
  const v6 = ip.includes(':') ? parseIPv6(ip) : undefined;
  if (v6 === undefined) return undefined;
  const hostBits = BigInt(128 - masks.maskIPv6);
  return `${formatIPv6((v6 >> hostBits) << hostBits)}/${masks.maskIPv6}`;
}

// Dotted quads (also with - or _), and any run of hex digits, dots and colons with two colons or more (every
// IPv6 text form, compressed, expanded or with an embedded IPv4, has at least two).
// Dashes and underscores too: reverse-DNS style host names ("host-192-0-2-7.isp.example") in
// banners and SNMP names spell the address that way.
const ipv4Like = /\d{1,3}(?:[.\-_]\d{1,3}){3}/g;
const ipv6Like = /[0-9A-Fa-f.]*:[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*/g;

/**
 * Free text (banners, device strings, reasons) with every address-like run replaced: text from
 * the device is not ours to vouch for, so masking cannot rely on knowing which address it holds.
 * Over-eager on purpose (a clock time "12:30:05" goes too).
 * @example scrubAddresses('login at 192.0.2.7 ok') // 'login at [address] ok'
 */
export function scrubAddresses(text: string): string {
  return text.replace(ipv6Like, '[address]').replace(ipv4Like, '[address]');
}

/** Every string inside a JSON-like value scrubbed; keys are ours and stay. */
export function scrubValue(value: unknown): unknown {
  if (typeof value === 'string') return scrubAddresses(value);
  if (Array.isArray(value)) return value.map(scrubValue);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, scrubValue(inner)]));
  return value;
}

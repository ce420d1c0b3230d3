/**
 * One text form per address, so the same host always gets the same key wherever it came from
 * (scan results, honeypot logs) and joins with survey, darknet and attribution records.
 */
import { formatIPv4, parseIPv4 } from './ipv4.ts';
import { formatIPv6, parseIPv6 } from './ipv6.ts';

/** Longest IPv6 text there is ("ffff:…:255.255.255.255"): anything longer is not worth parsing. */
const maxIPv6TextLength = 45;
const ipv6Characters = /^[0-9a-fA-F:.]+$/;
const ipv4MappedHigh = 0xffffn;

/**
 * The canonical text of an IPv4 or IPv6 address, or undefined when `text` is neither: IPv4 as a
 * dotted quad (one with leading zeros is refused, not guessed: "010.0.0.1" is octal to some
 * parsers and decimal to others), IPv6 as RFC 5952 text (lower case, longest zero run compressed). An
 * IPv4-mapped IPv6 address ("::ffff:192.0.2.7", what a dual-stack listener logs) becomes the
 * plain IPv4 address, because that is the host a connection to it reaches and the one the scope
 * and the rest of the system know. Nothing is trimmed: text with spaces or a zone is refused.
 * @example canonicalAddress('2001:DB8:0:0::1') // '2001:db8::1'
 * @example canonicalAddress('::FFFF:192.0.2.7') // '192.0.2.7'
 */
export function canonicalAddress(text: string): string | undefined {
  const v4 = parseIPv4(text);
  if (v4 !== undefined) return formatIPv4(v4);
  if (!text.includes(':') || text.length > maxIPv6TextLength || !ipv6Characters.test(text)) return undefined;
  const v6 = parseIPv6(text);
  if (v6 === undefined) return undefined;
  if (v6 >> 32n === ipv4MappedHigh) return formatIPv4(Number(v6 & 0xffffffffn));
  return formatIPv6(v6);
}

/**
 * An address and port as one piece of text: IPv6 in brackets (RFC 3986 §3.2.2), so the port is
 * never read as the address's last group.
 * @example addressWithPort('2001:db8::7', 23) // '[2001:db8::7]:23'
 * @example addressWithPort('192.0.2.7', 23) // '192.0.2.7:23'
 */
export function addressWithPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

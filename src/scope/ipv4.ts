/**
 * IPv4 addresses as unsigned 32-bit integers. Scanning works on these numbers;
 * text is only for input and output.
 */

/**
 * Parse a dotted quad strictly (no leading zeros that could be read as octal, no shorthand,
 * octets ≤ 255). By character codes rather than a regular expression: attribution parses a
 * million of these when it loads a routing table, and one per lookup by text.
 * @example parseIPv4('127.77.0.1') // 2135752705
 */
export function parseIPv4(text: string): number | undefined {
  const length = text.length;
  if (length < 7 || length > 15) return undefined;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let index = 0; index < length; index++) {
    const code = text.charCodeAt(index);
    if (code === 46) {
      if (digits === 0 || dots === 3) return undefined;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (code >= 48 && code <= 57) {
      if (digits > 0 && octet === 0) return undefined; // leading zero
      octet = octet * 10 + (code - 48);
      if (octet > 255) return undefined;
      digits++;
    } else return undefined;
  }
  if (digits === 0 || dots !== 3) return undefined;
  return value * 256 + octet;
}

/** @example formatIPv4(2135752705) // '127.77.0.1' */
export function formatIPv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** True for any address in 127.0.0.0/8, which Linux routes to the local host. */
export function isLoopbackIPv4(value: number): boolean {
  return value >>> 24 === 127;
}

/**
 * IPv4 addresses as unsigned 32-bit integers. Scanning works on these numbers;
 * text is only for input and output.
 */

const dottedQuad = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * Parse a dotted quad strictly (no leading zeros that could be read as octal, no shorthand).
 * @example parseIPv4('127.77.0.1') // 2135752705
 */
export function parseIPv4(text: string): number | undefined {
  const match = dottedQuad.exec(text);
  if (!match) return undefined;
  let value = 0;
  for (let index = 1; index <= 4; index++) {
    const part = match[index]!;
    if (part.length > 1 && part.startsWith('0')) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

/** @example formatIPv4(2135752705) // '127.77.0.1' */
export function formatIPv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** True for any address in 127.0.0.0/8, which Linux routes to the local host. */
export function isLoopbackIPv4(value: number): boolean {
  return value >>> 24 === 127;
}

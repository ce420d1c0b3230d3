/**
 * Address and port checks for imported scan files. Kept free of node:net on purpose:
 * only src/scope/ may touch networking modules.
 */

// Dotted quad without leading zeros: "010.0.0.1" is octal to some parsers and decimal
// to others, so it is refused rather than guessed.
const ipv4Pattern = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/**
 * The address in canonical text form (IPv6 compressed and lower-case), or undefined
 * when `text` is not an IPv4 or IPv6 address.
 * @example normaliseIpAddress('2001:DB8:0:0::1') // '2001:db8::1'
 */
export function normaliseIpAddress(text: string): string | undefined {
  if (ipv4Pattern.test(text)) return text;
  if (!text.includes(':') || !/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  try {
    // The WHATWG URL parser implements RFC 4291 text parsing and RFC 5952 output.
    return new URL(`http://[${text}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
}

/**
 * A TCP port number from text, or undefined unless it is a whole number 1–65535.
 * @example parsePort('8080') // 8080
 */
export function parsePort(text: unknown): number | undefined {
  const value = typeof text === 'number' ? text : typeof text === 'string' && /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  return Number.isInteger(value) && value >= 1 && value <= 65535 ? value : undefined;
}

/**
 * ISO-8601 time from Unix seconds (number or digits), or undefined if not a sane time.
 * @example unixSecondsToIso('1700000000') // '2023-11-14T22:13:20.000Z'
 */
export function unixSecondsToIso(seconds: string | number, microseconds = 0): string | undefined {
  const value = typeof seconds === 'number' ? seconds : /^\d{1,12}$/.test(seconds) ? Number(seconds) : Number.NaN;
  if (!Number.isFinite(value) || value < 0) return undefined;
  return new Date(value * 1000 + Math.floor(microseconds / 1000)).toISOString();
}

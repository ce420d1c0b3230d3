/**
 * Port and time checks for imported scan files (addresses: src/scope/canonical-address.ts).
 */

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

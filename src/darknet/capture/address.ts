/** Address text formatting, kept out of the decoder's hot path (called only when asked). */

// The same dotted-quad formatting the scanner uses, re-exported for the decoder.
export { formatIPv4 } from '../../scope/ipv4.ts';

/**
 * RFC 5952 text of the IPv6 address in `bytes[offset..offset+16)` (lower-case hex, the longest
 * run of two or more zero groups compressed to "::", first run on ties) — the form tshark prints.
 * @example formatIPv6(Buffer.from('20010db8000000000000000000000001', 'hex'), 0) // '2001:db8::1'
 */
export function formatIPv6(bytes: Uint8Array, offset: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((bytes[offset + 2 * i] << 8) | bytes[offset + 2 * i + 1]);
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let end = i;
    while (end < 8 && groups[end] === 0) end++;
    if (end - i > bestLength) { bestStart = i; bestLength = end - i; }
    i = end;
  }
  const hex = (from: number, to: number): string => groups.slice(from, to).map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}

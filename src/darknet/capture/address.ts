/** Address text formatting, kept out of the decoder's hot path (called only when asked). */

import { formatIPv6Groups } from '../../scope/ipv6.ts';

// The same dotted-quad formatting the scanner uses, re-exported for the decoder.
export { formatIPv4 } from '../../scope/ipv4.ts';

/**
 * RFC 5952 text of the IPv6 address in `bytes[offset..offset+16)` (scope's formatIPv6Groups) — the form tshark prints.
 * @example formatIPv6(Buffer.from('20010db8000000000000000000000001', 'hex'), 0) // '2001:db8::1'
 */
export function formatIPv6(bytes: Uint8Array, offset: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((bytes[offset + 2 * i] << 8) | bytes[offset + 2 * i + 1]);
  return formatIPv6Groups(groups);
}

/**
 * IPv6 addresses as 128-bit integers (BigInt): enough to test prefixes, which is all the
 * project needs of IPv6 text (research-scanner lists, opt-outs).
 */

const hexGroup = /^[0-9a-f]{1,4}$/i;

/**
 * Parse RFC 4291 text ("2001:db8::1", "::ffff:192.0.2.1"); undefined when malformed.
 * @example parseIPv6('2001:db8::1') // 0x20010db8000000000000000000000001n
 */
export function parseIPv6(text: string): bigint | undefined {
  const halves = text.trim().toLowerCase().split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string): number[] | undefined => {
    if (part === '') return [];
    const pieces = part.split(':');
    const groups: number[] = [];
    for (const [index, piece] of pieces.entries()) {
      if (index === pieces.length - 1 && piece.includes('.')) {
        const octets = piece.split('.');
        if (octets.length !== 4 || octets.some((octet) => !/^\d{1,3}$/.test(octet) || Number(octet) > 255)) return undefined;
        groups.push(Number(octets[0]) * 256 + Number(octets[1]), Number(octets[2]) * 256 + Number(octets[3]));
      } else if (hexGroup.test(piece)) groups.push(parseInt(piece, 16));
      else return undefined;
    }
    return groups;
  };
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  let value = 0n;
  for (const group of [...head, ...Array<number>(missing).fill(0), ...tail]) value = (value << 16n) | BigInt(group);
  return value;
}

/**
 * RFC 5952 text of an IPv6 address given as its eight 16-bit groups: lower-case hex, the
 * longest run of two or more zero groups compressed to "::" (the first run on ties) — the form
 * tshark and RDAP servers print. Shared by the capture decoder (bytes) and attribution (bigint).
 * @example formatIPv6Groups([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]) // '2001:db8::1'
 */
export function formatIPv6Groups(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; ) {
    if (groups[start] !== 0) {
      start++;
      continue;
    }
    let end = start;
    while (end < 8 && groups[end] === 0) end++;
    if (end - start > bestLength) {
      bestStart = start;
      bestLength = end - start;
    }
    start = end;
  }
  const hex = (from: number, to: number): string =>
    groups
      .slice(from, to)
      .map((group) => group.toString(16))
      .join(':');
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}

/**
 * RFC 5952 text of an IPv6 address given as its 128-bit value (formatIPv6Groups of its groups).
 * @example formatIPv6(0x20010db8000000000000000000000001n) // '2001:db8::1'
 */
export function formatIPv6(value: bigint): string {
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((value >> shift) & 0xffffn));
  return formatIPv6Groups(groups);
}

/**
 * The last check before a masked or aggregated export is written: its text must not hold any
 * full subscriber address, in any of the forms an address is written in. Whatever the policy
 * code did, a leak here stops the export (SHARING_REFUSED) instead of reaching the recipient.
 */
import { OpenNoticeError } from '../core/errors.ts';
import { formatIPv4, parseIPv4 } from '../scope/ipv4.ts';
import { formatIPv6, parseIPv6 } from '../scope/ipv6.ts';

/**
 * The text forms of an address, lower case: IPv4 dotted and dashed; IPv6 compressed (RFC 5952),
 * uncompressed with and without leading zeros, and, for IPv4-mapped ones, the dotted tail.
 * @example addressTextForms('2001:db8::1') // ['2001:db8::1', '2001:0db8:0000:…:0001', '2001:db8:0:0:0:0:0:1']
 */
export function addressTextForms(ip: string): string[] {
  const v4 = parseIPv4(ip);
  if (v4 !== undefined) {
    const dotted = formatIPv4(v4);
    // Host names spell it with dashes ("host-192-0-2-7.isp.example").
    return [dotted, dotted.replaceAll('.', '-'), `::ffff:${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`];
  }
  const v6 = parseIPv6(ip);
  if (v6 === undefined) return [];
  const groups = Array.from({ length: 8 }, (_, index) => Number((v6 >> BigInt(112 - 16 * index)) & 0xffffn));
  const forms = [formatIPv6(v6), groups.map((group) => group.toString(16).padStart(4, '0')).join(':'), groups.map((group) => group.toString(16)).join(':')];
  // ::ffff:a.b.c.d carries an IPv4 subscriber; its dotted tail is that subscriber's address too.
  if (v6 >> 32n === 0xffffn) forms.push(formatIPv4(Number(v6 & 0xffffffffn)));
  return [...new Set(forms)];
}

const hexOrColon = /[0-9a-f:]/;
const digit = /[0-9]/;

/** True when `form` at `index` of `text` stands alone, not as part of a longer address or a prefix. */
function standsAlone(text: string, index: number, form: string): boolean {
  const before = text[index - 1] ?? '';
  const after = text[index + form.length] ?? '';
  const next = text[index + form.length + 1] ?? '';
  if (form.includes(':')) return !hexOrColon.test(before) && !hexOrColon.test(after) && after !== '/';
  // "192.0.2.1" inside "192.0.2.10" or "10.192.0.2.1" is another number; "192.0.2.0/24" is a network.
  const joiner = /[.-]/;
  if (digit.test(before) || (joiner.test(before) && digit.test(text[index - 2] ?? ''))) return false;
  return !digit.test(after) && after !== '/' && !(joiner.test(after) && digit.test(next));
}

/**
 * The first full address of `addresses` found in `text`, or undefined.
 * @example findAddressLeak('net 192.0.2.0/24', ['192.0.2.0']) // undefined
 */
export function findAddressLeak(text: string, addresses: Iterable<string>): string | undefined {
  const haystack = text.toLowerCase();
  for (const address of addresses)
    for (const form of addressTextForms(address)) {
      for (let index = haystack.indexOf(form); index >= 0; index = haystack.indexOf(form, index + 1)) if (standsAlone(haystack, index, form)) return address;
    }
  return undefined;
}

/** Throw SHARING_REFUSED when `text` holds a subscriber address. */
export function assertNoAddressLeak(text: string, addresses: Iterable<string>, context: { recipient: string; file: string }): void {
  const leaked = findAddressLeak(text, addresses);
  // The address itself stays out of the error: error messages end up in logs that are shared too.
  if (leaked !== undefined)
    throw new OpenNoticeError('SHARING_REFUSED', 'a masked or aggregated export holds a full subscriber address; nothing was written', context);
}

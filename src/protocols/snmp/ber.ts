/**
 * The part of BER (X.690) SNMP needs: definite lengths, low tag numbers, INTEGER, OCTET STRING,
 * NULL and OBJECT IDENTIFIER. The reader never recurses and never trusts a length: every TLV
 * must fit inside its parent, lengths take at most four bytes, indefinite lengths and
 * high tag numbers are refused. Pure functions.
 */
import { OpenNoticeError } from '../../core/errors.ts';

export const berTags = {
  integer: 0x02,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  sequence: 0x30,
} as const;

/** One TLV: its tag, and where its value starts and ends in the buffer it was read from. */
export interface Tlv {
  tag: number;
  start: number;
  end: number;
}

/** Most sub-identifiers an OID may have here (SNMP allows 128). */
const maxOidArcs = 128;

/**
 * The TLV at `offset`, which must end by `limit`; undefined when it is malformed or does not fit.
 * @example readTlv(Buffer.from([0x02, 0x01, 0x05]), 0, 3) // { tag: 2, start: 2, end: 3 }
 */
export function readTlv(bytes: Buffer, offset: number, limit: number = bytes.length): Tlv | undefined {
  const end = Math.min(limit, bytes.length);
  if (offset + 2 > end) return undefined;
  const tag = bytes[offset];
  if ((tag & 0x1f) === 0x1f) return undefined; // high tag number form: nothing SNMP sends
  const first = bytes[offset + 1];
  let length = first;
  let start = offset + 2;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4 || start + count > end) return undefined; // indefinite, huge or cut
    length = 0;
    for (let index = 0; index < count; index++) length = length * 256 + bytes[start + index];
    start += count;
  }
  if (start + length > end) return undefined;
  return { tag, start, end: start + length };
}

/**
 * Reads TLVs one after another between two offsets (the children of one constructed value).
 * @example const children = tlvsIn(bytes, sequence, 16)
 */
export function tlvsIn(bytes: Buffer, parent: { start: number; end: number }, maxCount: number): Tlv[] | undefined {
  const children: Tlv[] = [];
  let offset = parent.start;
  while (offset < parent.end) {
    if (children.length >= maxCount) return undefined;
    const child = readTlv(bytes, offset, parent.end);
    if (!child) return undefined;
    children.push(child);
    offset = child.end;
  }
  return children;
}

/**
 * A signed INTEGER value (at most 32 bits of value; a leading zero byte for unsigned 32-bit
 * values is allowed), or undefined.
 * @example decodeInteger(Buffer.from([0x00, 0xff])) // 255
 */
export function decodeInteger(value: Buffer): number | undefined {
  if (value.length === 0 || value.length > 5) return undefined;
  if (value.length === 5 && value[0] !== 0) return undefined;
  let result = 0;
  for (const byte of value) result = result * 256 + byte;
  // The high bit of the first byte is the sign (two's complement).
  return value[0] & 0x80 ? result - 2 ** (8 * value.length) : result;
}

/**
 * An unsigned value (Counter32, Gauge32, TimeTicks), or undefined.
 * @example decodeUnsigned(Buffer.from([0x01, 0x00])) // 256
 */
export function decodeUnsigned(value: Buffer): number | undefined {
  if (value.length === 0 || value.length > 9) return undefined;
  let result = 0;
  for (const byte of value) result = result * 256 + byte;
  return Number.isSafeInteger(result) ? result : undefined;
}

/**
 * An OBJECT IDENTIFIER's dotted form, or undefined when malformed.
 * @example decodeOid(Buffer.from([0x2b, 0x06, 0x01])) // '1.3.6.1'
 */
export function decodeOid(value: Buffer): string | undefined {
  if (value.length === 0) return undefined;
  const arcs: number[] = [];
  let current = 0;
  let bytesInArc = 0;
  for (const byte of value) {
    if (bytesInArc === 0 && byte === 0x80) return undefined; // non-minimal sub-identifier
    current = current * 128 + (byte & 0x7f);
    bytesInArc++;
    if (bytesInArc > 5 || current > 0xffffffff) return undefined;
    if ((byte & 0x80) === 0) {
      arcs.push(current);
      if (arcs.length > maxOidArcs) return undefined;
      current = 0;
      bytesInArc = 0;
    }
  }
  if (bytesInArc !== 0) return undefined; // the last sub-identifier is cut
  const first = arcs[0];
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...arcs.slice(1)].join('.');
}

/**
 * A TLV with a definite length.
 * @example encodeTlv(0x04, Buffer.from('public')) // <Buffer 04 06 70 75 62 6c 69 63>
 */
export function encodeTlv(tag: number, value: Buffer): Buffer {
  const length = value.length;
  if (length > 0xffff) throw new OpenNoticeError('INTERNAL', `BER value of ${length} bytes is more than SNMP needs`);
  const head = length < 0x80 ? [tag, length] : length < 0x100 ? [tag, 0x81, length] : [tag, 0x82, length >> 8, length & 0xff];
  return Buffer.concat([Buffer.from(head), value]);
}

/**
 * A non-negative INTEGER in its shortest two's-complement form.
 * @example encodeInteger(128) // <Buffer 02 02 00 80>
 */
export function encodeInteger(value: number): Buffer {
  if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) throw new OpenNoticeError('INTERNAL', `INTEGER out of range: ${value}`);
  const bytes: number[] = [];
  let rest = value;
  do {
    bytes.unshift(rest & 0xff);
    rest = Math.floor(rest / 256);
  } while (rest > 0);
  if (bytes[0] & 0x80) bytes.unshift(0);
  return encodeTlv(berTags.integer, Buffer.from(bytes));
}

/**
 * An OBJECT IDENTIFIER from its dotted form.
 * @example encodeOid('1.3.6.1.2.1.1.1.0') // <Buffer 06 08 2b 06 01 02 01 01 01 00>
 */
export function encodeOid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  if (arcs.length < 2 || arcs.some((arc) => !Number.isInteger(arc) || arc < 0 || arc > 0xffffffff) || arcs[0] > 2)
    throw new OpenNoticeError('INTERNAL', `not an OID: ${dotted}`);
  const bytes: number[] = [];
  for (const arc of [arcs[0] * 40 + arcs[1], ...arcs.slice(2)]) {
    const groups: number[] = [];
    let rest = arc;
    do {
      groups.unshift(rest & 0x7f);
      rest = Math.floor(rest / 128);
    } while (rest > 0);
    bytes.push(...groups.map((group, index) => (index < groups.length - 1 ? group | 0x80 : group)));
  }
  return encodeTlv(berTags.oid, Buffer.from(bytes));
}

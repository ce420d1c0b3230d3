/**
 * The little BER an SNMP agent of the lab needs: read a GetRequest (version, community,
 * request-id, the OIDs asked for) and write a GetResponse. The lab's own, written from
 * X.690 and RFC 1157/3416, so the survey's SNMP codec is tested against an independent reading.
 */

/** One TLV read from `bytes` at `offset`; undefined when it does not fit. */
interface Tlv {
  tag: number;
  value: Buffer;
  end: number;
}

function readTlv(bytes: Buffer, offset: number): Tlv | undefined {
  if (offset + 2 > bytes.length) return undefined;
  const tag = bytes[offset]!;
  let length = bytes[offset + 1]!;
  let at = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count < 1 || count > 3 || at + count > bytes.length) return undefined;
    length = 0;
    for (let index = 0; index < count; index++) length = length * 256 + bytes[at + index]!;
    at += count;
  }
  if (at + length > bytes.length) return undefined;
  return { tag, value: bytes.subarray(at, at + length), end: at + length };
}

function children(value: Buffer): Tlv[] | undefined {
  const items: Tlv[] = [];
  for (let at = 0; at < value.length; ) {
    const item = readTlv(value, at);
    if (!item || items.length > 64) return undefined;
    items.push(item);
    at = item.end;
  }
  return items;
}

function integerOf(value: Buffer): number {
  let result = value.length > 0 && value[0]! & 0x80 ? -1 : 0;
  for (const byte of value.subarray(0, 4)) result = result * 256 + byte;
  return result;
}

function oidText(value: Buffer): string {
  if (value.length === 0) return '';
  const parts = [Math.floor(value[0]! / 40), value[0]! % 40];
  let current = 0;
  for (const byte of value.subarray(1)) {
    current = current * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      parts.push(current);
      current = 0;
    }
  }
  return parts.join('.');
}

export interface SnmpGet {
  /** 0 = v1, 1 = v2c. */
  version: number;
  community: string;
  requestId: number;
  oids: string[];
}

/**
 * A GetRequest (PDU tag 0xa0) as an agent reads it; undefined for anything else.
 * @example readSnmpGet(request)?.oids // ['1.3.6.1.2.1.1.1.0']
 */
export function readSnmpGet(bytes: Buffer): SnmpGet | undefined {
  const message = readTlv(bytes, 0);
  if (message?.tag !== 0x30) return undefined;
  const [version, community, pdu] = children(message.value) ?? [];
  if (version?.tag !== 0x02 || !community || community.tag !== 0x04 || !pdu || pdu.tag !== 0xa0) return undefined;
  const [requestId, , , bindings] = children(pdu.value) ?? [];
  if (requestId?.tag !== 0x02 || !bindings || bindings.tag !== 0x30) return undefined;
  const oids: string[] = [];
  for (const binding of children(bindings.value) ?? []) {
    const [name] = children(binding.value) ?? [];
    if (name?.tag === 0x06) oids.push(oidText(name.value));
  }
  return { version: integerOf(version.value), community: community.value.toString('latin1'), requestId: integerOf(requestId.value), oids };
}

function tlv(tag: number, value: Buffer): Buffer {
  const length = value.length;
  const header =
    length < 0x80 ? Buffer.from([tag, length]) : length < 0x100 ? Buffer.from([tag, 0x81, length]) : Buffer.from([tag, 0x82, length >> 8, length & 0xff]);
  return Buffer.concat([header, value]);
}

function integer(value: number, tag = 0x02): Buffer {
  const bytes: number[] = [];
  let rest = value;
  do {
    bytes.unshift(rest & 0xff);
    rest = Math.floor(rest / 256);
  } while (rest > 0);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(tag, Buffer.from(bytes));
}

function oid(text: string): Buffer {
  const parts = text.split('.').map(Number);
  const bytes = [parts[0]! * 40 + parts[1]!];
  for (const part of parts.slice(2)) {
    const groups = [part & 0x7f];
    for (let rest = Math.floor(part / 128); rest > 0; rest = Math.floor(rest / 128)) groups.unshift((rest & 0x7f) | 0x80);
    bytes.push(...groups);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** A value an agent answers with: text (OCTET STRING), an OID, TimeTicks, or none (noSuchObject in v2c). */
export type SnmpValue = { text: string } | { oid: string } | { ticks: number } | undefined;

function encodeValue(value: SnmpValue): Buffer {
  if (value === undefined) return Buffer.from([0x80, 0x00]);
  if ('text' in value) return tlv(0x04, Buffer.from(value.text, 'latin1'));
  if ('oid' in value) return oid(value.oid);
  return integer(value.ticks, 0x43);
}

/**
 * The GetResponse to `request`, each OID with its value.
 * @example writeSnmpResponse(get, (oid) => ({ text: 'Linux QR-2200' }))
 */
export function writeSnmpResponse(request: SnmpGet, answerFor: (oid: string) => SnmpValue): Buffer {
  const bindings = request.oids.map((name) => {
    return tlv(0x30, Buffer.concat([oid(name), encodeValue(answerFor(name))]));
  });
  const pdu = tlv(0xa2, Buffer.concat([integer(request.requestId), integer(0), integer(0), tlv(0x30, Buffer.concat(bindings))]));
  return tlv(0x30, Buffer.concat([integer(request.version), tlv(0x04, Buffer.from(request.community, 'latin1')), pdu]));
}

/**
 * SNMP v1 and v2c messages (RFC 1157, RFC 3416) as a survey needs them: one GetRequest for a
 * few scalars of the system group, and the Response to it. A message is
 * SEQUENCE { version INTEGER, community OCTET STRING, PDU }, the PDU
 * [tag] { request-id, error-status, error-index, SEQUENCE OF SEQUENCE { name OID, value } }.
 * The decoder reads exactly that fixed nesting, iteratively (no recursion a reply could deepen).
 */
import { berTags, decodeInteger, decodeOid, decodeUnsigned, encodeInteger, encodeOid, encodeTlv, readTlv, tlvsIn } from './ber.ts';

export const snmpVersions = { v1: 0, v2c: 1 } as const;
export type SnmpVersion = keyof typeof snmpVersions;

/** PDU tags (context-specific, constructed). */
export const pduTags = { getRequest: 0xa0, getNextRequest: 0xa1, response: 0xa2, getBulkRequest: 0xa5 } as const;

/** The system group's scalars the grab asks for (RFC 3418), in the order asked. */
export const systemOids = {
  sysDescr: '1.3.6.1.2.1.1.1.0',
  sysObjectId: '1.3.6.1.2.1.1.2.0',
  sysUpTime: '1.3.6.1.2.1.1.3.0',
  sysName: '1.3.6.1.2.1.1.5.0',
} as const;

/** A varbind's value, as far as a survey reads it. */
export type SnmpValue =
  | { type: 'octets'; bytes: Buffer }
  | { type: 'integer' | 'counter' | 'gauge' | 'ticks'; value: number }
  | { type: 'oid'; value: string }
  | { type: 'ip'; value: string }
  | { type: 'null' | 'no-such-object' | 'no-such-instance' | 'end-of-mib-view' }
  | { type: 'other'; tag: number };

export interface SnmpResponse {
  version: number;
  community: string;
  requestId: number;
  errorStatus: number;
  errorIndex: number;
  varbinds: Array<{ oid: string; value: SnmpValue }>;
}

export type ResponseDecode = { state: 'invalid'; reason: string } | { state: 'complete'; response: SnmpResponse };

/** Most varbinds read from one Response: we ask for four. */
const maxVarbinds = 32;

export interface GetRequestSpec {
  version: SnmpVersion;
  community: string;
  /** 0..2^31-1: the token a Response must echo. */
  requestId: number;
  oids: readonly string[];
}

/**
 * @example encodeGetRequest({ version: 'v2c', community: 'public', requestId: 7, oids: [systemOids.sysDescr] })
 */
export function encodeGetRequest(spec: GetRequestSpec): Buffer {
  return encodeGetRequestFor(spec.version, spec.community, spec.requestId, encodeNullVarbinds(spec.oids));
}

/**
 * The VarBindList of a GetRequest for these OIDs (each with a NULL value), encoded once by a
 * caller that sends the same OIDs to many agents.
 * @example encodeNullVarbinds(['1.3.6.1.2.1.1.1.0']).toString('hex') // '300e300c06082b060102010101000500'
 */
export function encodeNullVarbinds(oids: readonly string[]): Buffer {
  const varbinds = oids.map((oid) => encodeTlv(berTags.sequence, Buffer.concat([encodeOid(oid), Buffer.from([berTags.null, 0])])));
  return encodeTlv(berTags.sequence, Buffer.concat(varbinds));
}

/**
 * A GetRequest message around an already encoded VarBindList (encodeNullVarbinds).
 * @example encodeGetRequestFor('v2c', 'public', 7, encodeNullVarbinds([systemOids.sysDescr]))
 */
export function encodeGetRequestFor(version: SnmpVersion, community: string, requestId: number, varbindList: Buffer): Buffer {
  const pdu = encodeTlv(pduTags.getRequest, Buffer.concat([encodeInteger(requestId), encodeInteger(0), encodeInteger(0), varbindList]));
  return encodeTlv(
    berTags.sequence,
    Buffer.concat([encodeInteger(snmpVersions[version]), encodeTlv(berTags.octetString, Buffer.from(community, 'latin1')), pdu]),
  );
}

/**
 * A Response message, or why the bytes are not one. The message must fill the datagram exactly.
 * @example decodeResponse(reply.data) // { state: 'complete', response: { requestId: 7, varbinds: [...] , … } }
 */
export function decodeResponse(bytes: Buffer): ResponseDecode {
  const invalid = (reason: string): ResponseDecode => ({ state: 'invalid', reason });
  const message = readTlv(bytes, 0);
  if (!message || message.tag !== berTags.sequence) return invalid('not a BER SEQUENCE');
  if (message.end !== bytes.length) return invalid('bytes after the message');
  const parts = tlvsIn(bytes, message, 3);
  if (parts?.length !== 3) return invalid('a message has version, community and PDU');
  const [versionTlv, communityTlv, pdu] = parts;
  const version = versionTlv.tag === berTags.integer ? decodeInteger(bytes.subarray(versionTlv.start, versionTlv.end)) : undefined;
  if (version === undefined) return invalid('no version');
  if (communityTlv.tag !== berTags.octetString) return invalid('no community');
  if (pdu.tag !== pduTags.response) return invalid(`PDU 0x${pdu.tag.toString(16)} is not a Response`);
  const fields = tlvsIn(bytes, pdu, 4);
  if (fields?.length !== 4) return invalid('a PDU has request-id, error-status, error-index and varbinds');
  const numbers = fields.slice(0, 3).map((field) => (field.tag === berTags.integer ? decodeInteger(bytes.subarray(field.start, field.end)) : undefined));
  const [requestId, errorStatus, errorIndex] = numbers;
  if (requestId === undefined || errorStatus === undefined || errorIndex === undefined)
    return invalid('request-id, error-status or error-index is not an INTEGER');
  if (fields[3].tag !== berTags.sequence) return invalid('varbinds are not a SEQUENCE');
  const list = tlvsIn(bytes, fields[3], maxVarbinds);
  if (!list) return invalid(`varbind list malformed or longer than ${maxVarbinds}`);
  const varbinds: SnmpResponse['varbinds'] = [];
  for (const varbind of list) {
    const pair = varbind.tag === berTags.sequence ? tlvsIn(bytes, varbind, 2) : undefined;
    if (pair?.length !== 2 || pair[0].tag !== berTags.oid) return invalid('a varbind is not SEQUENCE { OID, value }');
    const oid = decodeOid(bytes.subarray(pair[0].start, pair[0].end));
    if (oid === undefined) return invalid('malformed OID');
    const value = decodeValue(pair[1].tag, bytes.subarray(pair[1].start, pair[1].end));
    if (!value) return invalid(`malformed value of ${oid}`);
    varbinds.push({ oid, value });
  }
  return {
    state: 'complete',
    response: { version, community: bytes.subarray(communityTlv.start, communityTlv.end).toString('latin1'), requestId, errorStatus, errorIndex, varbinds },
  };
}

function decodeValue(tag: number, value: Buffer): SnmpValue | undefined {
  switch (tag) {
    case berTags.octetString:
      return { type: 'octets', bytes: value };
    case berTags.integer: {
      const number = decodeInteger(value);
      return number === undefined ? undefined : { type: 'integer', value: number };
    }
    case berTags.null:
      return value.length === 0 ? { type: 'null' } : undefined;
    case berTags.oid: {
      const oid = decodeOid(value);
      return oid === undefined ? undefined : { type: 'oid', value: oid };
    }
    case 0x40: // IpAddress
      return value.length === 4 ? { type: 'ip', value: [...value].join('.') } : undefined;
    case 0x41: // Counter32
    case 0x42: // Gauge32
    case 0x43: {
      // TimeTicks
      const number = decodeUnsigned(value);
      if (number === undefined) return undefined;
      return { type: tag === 0x41 ? 'counter' : tag === 0x42 ? 'gauge' : 'ticks', value: number };
    }
    case 0x80:
      return { type: 'no-such-object' };
    case 0x81:
      return { type: 'no-such-instance' };
    case 0x82:
      return { type: 'end-of-mib-view' };
    default:
      return { type: 'other', tag };
  }
}

/**
 * A varbind's value as text a rule can match: octets as UTF-8 with control characters
 * dropped (bounded), numbers and OIDs as their decimal text; undefined for exceptions and NULL.
 * @example valueText({ type: 'octets', bytes: Buffer.from('Linux gw 5.10') }) // 'Linux gw 5.10'
 */
export function valueText(value: SnmpValue, maxChars = 1024): string | undefined {
  switch (value.type) {
    case 'octets':
      return value.bytes
        .subarray(0, maxChars * 4)
        .toString('utf8')
        .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
        .trim()
        .slice(0, maxChars);
    case 'integer':
    case 'counter':
    case 'gauge':
    case 'ticks':
      return String(value.value);
    case 'oid':
    case 'ip':
      return value.value;
    default:
      return undefined;
  }
}

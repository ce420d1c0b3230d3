/**
 * CONNACK, the broker's answer to CONNECT and the only packet a survey reads. MQTT 3.1 and
 * 3.1.1 send two bytes (flags, return code 0..5); MQTT 5 adds properties after a reason code
 * (0x00, or 0x80 and up). The codes of the two versions do not overlap, so a code's meaning
 * never depends on the version: a v5 broker that refuses a 3.1.1 CONNECT in its own format
 * (0x84, with properties) is read as well as one that answers in the old format (0x01).
 */
import { bodyReader, encodeFrame, packetTypes, parseFrame, readVarint, type ProtocolLevel } from './codec.ts';
import { type ConnackProperties, decodeConnackProperties, encodeConnackProperties } from './properties.ts';

export type { ConnackProperties };

/** A CONNACK is at most a few hundred bytes; anything announcing more than this is not one we read. */
export const maxConnackBytes = 64 * 1024;

/** What a return (3.x) or reason (5) code says, as one word for results and rules. */
export type ConnackMeaning =
  | 'accepted'
  | 'unacceptable-version'
  | 'identifier-rejected'
  | 'server-unavailable'
  | 'bad-credentials'
  | 'not-authorized'
  | 'unspecified-error'
  | 'malformed-packet'
  | 'protocol-error'
  | 'implementation-error'
  | 'server-busy'
  | 'banned'
  | 'bad-authentication-method'
  | 'packet-too-large'
  | 'quota-exceeded'
  | 'use-another-server'
  | 'server-moved'
  | 'connection-rate-exceeded'
  | 'unknown';

const meanings: ReadonlyMap<number, ConnackMeaning> = new Map([
  [0x00, 'accepted'],
  // MQTT 3.1 / 3.1.1 return codes
  [0x01, 'unacceptable-version'],
  [0x02, 'identifier-rejected'],
  [0x03, 'server-unavailable'],
  [0x04, 'bad-credentials'],
  [0x05, 'not-authorized'],
  // MQTT 5 reason codes a CONNACK may carry (§3.2.2.2)
  [0x80, 'unspecified-error'],
  [0x81, 'malformed-packet'],
  [0x82, 'protocol-error'],
  [0x83, 'implementation-error'],
  [0x84, 'unacceptable-version'],
  [0x85, 'identifier-rejected'],
  [0x86, 'bad-credentials'],
  [0x87, 'not-authorized'],
  [0x88, 'server-unavailable'],
  [0x89, 'server-busy'],
  [0x8a, 'banned'],
  [0x8c, 'bad-authentication-method'],
  [0x95, 'packet-too-large'],
  [0x97, 'quota-exceeded'],
  [0x9c, 'use-another-server'],
  [0x9d, 'server-moved'],
  [0x9f, 'connection-rate-exceeded'],
]);

/**
 * @example connackMeaning(5) // 'not-authorized'; connackMeaning(0x86) // 'bad-credentials'
 */
export function connackMeaning(code: number): ConnackMeaning {
  return meanings.get(code) ?? 'unknown';
}

/** Refusals that name the credentials: the answer a dictionary can change. */
export const credentialRefusals: readonly ConnackMeaning[] = ['bad-credentials', 'not-authorized'];

/** Refusals that mean "not now": worth a later try, not a verdict. */
export const busyRefusals: readonly ConnackMeaning[] = ['server-unavailable', 'server-busy', 'connection-rate-exceeded', 'quota-exceeded'];

export interface Connack {
  /** `v5` when the broker answered with properties (or to an MQTT 5 CONNECT). */
  format: 'v3' | 'v5';
  sessionPresent: boolean;
  returnCode: number;
  meaning: ConnackMeaning;
  /** MQTT 5 properties the broker sent (bounded: see properties.ts). */
  properties?: ConnackProperties;
}

export type ConnackDecode = { state: 'complete'; connack: Connack } | { state: 'invalid'; reason: string };

/**
 * A CONNACK's body, knowing which level our CONNECT asked for.
 * @example decodeConnack(Buffer.from([0x00, 0x05]), 4) // complete: not-authorized, format v3
 */
export function decodeConnack(body: Buffer, sentLevel: ProtocolLevel): ConnackDecode {
  if (body.length < 2) return { state: 'invalid', reason: `CONNACK of ${body.length} bytes` };
  const flags = body[0];
  // MQTT 3.1 left the first byte unused; later versions define bit 0 only.
  if (sentLevel !== 3 && (flags & 0xfe) !== 0) return { state: 'invalid', reason: `reserved CONNACK flags 0x${flags.toString(16)}` };
  const returnCode = body[1];
  const connack: Connack = {
    format: body.length > 2 || sentLevel === 5 ? 'v5' : 'v3',
    sessionPresent: sentLevel !== 3 && (flags & 0x01) !== 0,
    returnCode,
    meaning: connackMeaning(returnCode),
  };
  // A v5 CONNACK without its property length is malformed, but says all a survey needs.
  if (body.length === 2) return { state: 'complete', connack };
  const reader = bodyReader(body, 2);
  const length = reader.varint();
  if (length === undefined) return { state: 'invalid', reason: 'CONNACK property length cut short' };
  if (length !== reader.remaining) return { state: 'invalid', reason: `CONNACK properties announce ${length} bytes, ${reader.remaining} follow` };
  const properties = decodeConnackProperties(body.subarray(reader.offset));
  if (properties.state === 'invalid') return properties;
  if (Object.keys(properties.properties).length > 0) connack.properties = properties.properties;
  return { state: 'complete', connack };
}

export type ConnackReply = { state: 'incomplete' } | { state: 'invalid'; reason: string } | { state: 'complete'; connack: Connack; end: number };

/**
 * The broker's first packet, which must be a CONNACK: what a client reads after its CONNECT.
 * @example parseConnackReply(Buffer.from([0x20, 0x02, 0x00, 0x00]), 4) // complete: accepted
 */
export function parseConnackReply(bytes: Buffer, sentLevel: ProtocolLevel): ConnackReply {
  // Known from the first byte: whatever else it is, it is not the CONNACK that must come first.
  if (bytes.length > 0 && bytes[0] !== packetTypes.connack << 4)
    return { state: 'invalid', reason: `expected CONNACK, got first byte 0x${bytes[0].toString(16).padStart(2, '0')}` };
  const parsed = parseFrame(bytes, maxConnackBytes);
  if (parsed.state !== 'complete') return parsed;
  const decoded = decodeConnack(parsed.frame.body, sentLevel);
  return decoded.state === 'complete' ? { ...decoded, end: parsed.end } : decoded;
}

/**
 * Whether a reply is a CONNACK, or the start of one (detection reads what arrived in its wait):
 * first byte 0x20, a remaining length from 2 to 64 KiB, flags 0 or 1, and, when whole, a body
 * that decodes. A text banner that starts with spaces (0x20 too) fails on its flags.
 * @example looksLikeConnack(Buffer.from([0x20, 0x02, 0x00, 0x05])) // true
 */
export function looksLikeConnack(reply: Buffer): boolean {
  if (reply.length < 2 || reply[0] !== packetTypes.connack << 4) return false;
  const parsed = parseFrame(reply, maxConnackBytes);
  if (parsed.state === 'complete') return decodeConnack(parsed.frame.body, 4).state === 'complete';
  if (parsed.state === 'invalid') return false;
  const length = readVarint(reply, 1);
  if (length.state !== 'complete' || length.value < 2) return false;
  const flags = reply[1 + length.length];
  return flags === undefined || flags <= 1;
}

export interface ConnackToSend {
  /** The level the client asked for: 5 gets the MQTT 5 format (with properties), others two bytes. */
  level: number;
  sessionPresent: boolean;
  returnCode: number;
  properties?: ConnackProperties;
}

/**
 * A CONNACK as a broker sends it (the lab's).
 * @example encodeConnack({ level: 4, sessionPresent: false, returnCode: 5 }) // <Buffer 20 02 00 05>
 */
export function encodeConnack(answer: ConnackToSend): Buffer {
  const head = Buffer.from([answer.sessionPresent ? 0x01 : 0x00, answer.returnCode]);
  if (answer.level !== 5) return encodeFrame(packetTypes.connack, 0, head);
  return encodeFrame(packetTypes.connack, 0, Buffer.concat([head, encodeConnackProperties(answer.properties ?? {})]));
}

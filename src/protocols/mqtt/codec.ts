/**
 * MQTT control packets as a survey needs them: the fixed header with its variable-length
 * "remaining length" (MQTT 3.1.1 §2.2, MQTT 5.0 §2.1), CONNECT and DISCONNECT. CONNACK, the
 * only packet a survey reads, is in connack.ts. Pure functions: decoders never throw on what a
 * peer sends and never allocate what a peer merely announces.
 *
 * Protocol levels: 3 is MQTT 3.1 ("MQIsdp"), 4 is MQTT 3.1.1, 5 is MQTT 5.0.
 */
import { OpenNoticeError } from '../../core/errors.ts';

/** Control packet types (the fixed header's high nibble). */
export const packetTypes = {
  connect: 1,
  connack: 2,
  publish: 3,
  puback: 4,
  pubrec: 5,
  pubrel: 6,
  pubcomp: 7,
  subscribe: 8,
  suback: 9,
  unsubscribe: 10,
  unsuback: 11,
  pingreq: 12,
  pingresp: 13,
  disconnect: 14,
  auth: 15,
} as const;

const packetNames = Object.fromEntries(Object.entries(packetTypes).map(([name, type]) => [type, name.toUpperCase()]));

/**
 * The packet type's name, for logs and test messages.
 * @example packetName(8) // 'SUBSCRIBE'
 */
export function packetName(type: number): string {
  return packetNames[type] ?? `type ${type}`;
}

export type ProtocolLevel = 3 | 4 | 5;

/** The most MQTT's four-byte remaining length can say: 268,435,455 (256 MiB − 1). */
export const maxRemainingLength = 268_435_455;

export type VarintRead = { state: 'incomplete' } | { state: 'invalid'; reason: string } | { state: 'complete'; value: number; length: number };

/**
 * A variable byte integer (7 bits a byte, high bit "more follows", at most four bytes).
 * Non-minimal encodings are read as their value, as brokers do.
 * @example readVarint(Buffer.from([0xc1, 0x02]), 0) // { state: 'complete', value: 321, length: 2 }
 */
export function readVarint(bytes: Buffer, offset: number): VarintRead {
  let value = 0;
  let multiplier = 1;
  for (let index = 0; index < 4; index++) {
    if (offset + index >= bytes.length) return { state: 'incomplete' };
    const byte = bytes[offset + index];
    value += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) return { state: 'complete', value, length: index + 1 };
    multiplier *= 128;
  }
  return { state: 'invalid', reason: 'variable byte integer longer than four bytes' };
}

/**
 * @example encodeVarint(321) // <Buffer c1 02>
 */
export function encodeVarint(value: number): Buffer {
  if (!Number.isInteger(value) || value < 0 || value > maxRemainingLength)
    throw new OpenNoticeError('INTERNAL', `MQTT variable byte integer out of range: ${value}`);
  const bytes: number[] = [];
  let rest = value;
  do {
    const digit = rest % 128;
    rest = Math.floor(rest / 128);
    bytes.push(rest > 0 ? digit | 0x80 : digit);
  } while (rest > 0);
  return Buffer.from(bytes);
}

export interface MqttFrame {
  /** Control packet type, 1..15. */
  type: number;
  /** The fixed header's low nibble. */
  flags: number;
  /** The variable header and payload: `remaining length` bytes. */
  body: Buffer;
}

export type FrameParse = { state: 'incomplete' } | { state: 'invalid'; reason: string } | { state: 'complete'; frame: MqttFrame; end: number };

/**
 * One control packet starting at `offset`. A remaining length above `maxBodyBytes` is a
 * protocol error as soon as its header is read: nothing waits for, or makes room for, the
 * 256 MiB a hostile peer may announce.
 * @example parseFrame(Buffer.from([0x20, 0x02, 0x00, 0x00]), 64) // complete: type 2, body <00 00>, end 4
 */
export function parseFrame(bytes: Buffer, maxBodyBytes: number, offset = 0): FrameParse {
  if (offset >= bytes.length) return { state: 'incomplete' };
  const first = bytes[offset];
  const type = first >> 4;
  if (type === 0) return { state: 'invalid', reason: 'packet type 0 is reserved' };
  const length = readVarint(bytes, offset + 1);
  if (length.state !== 'complete') return length.state === 'invalid' ? { state: 'invalid', reason: `remaining length: ${length.reason}` } : length;
  if (length.value > maxBodyBytes)
    return { state: 'invalid', reason: `${packetName(type)} announces ${length.value} bytes, more than the ${maxBodyBytes} allowed` };
  const start = offset + 1 + length.length;
  const end = start + length.value;
  if (end > bytes.length) return { state: 'incomplete' };
  return { state: 'complete', frame: { type, flags: first & 0x0f, body: bytes.subarray(start, end) }, end };
}

/**
 * A whole packet: fixed header, then `body`.
 * @example encodeFrame(packetTypes.disconnect, 0, Buffer.alloc(0)) // <Buffer e0 00>
 */
export function encodeFrame(type: number, flags: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([(type << 4) | (flags & 0x0f)]), encodeVarint(body.length), body]);
}

/**
 * A length-prefixed field (UTF-8 string or binary data): two bytes of length, then the bytes.
 * @example encodeField('MQTT') // <Buffer 00 04 4d 51 54 54>
 */
export function encodeField(value: string | Buffer): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  if (bytes.length > 0xffff) throw new OpenNoticeError('INTERNAL', `MQTT field longer than 65535 bytes (${bytes.length})`);
  return Buffer.concat([Buffer.from([bytes.length >> 8, bytes.length & 0xff]), bytes]);
}

/**
 * Reads fields off a packet body without ever reading past it: every read returns
 * undefined once the body is short, and the reader stays failed.
 */
export interface BodyReader {
  readonly offset: number;
  readonly remaining: number;
  byte(): number | undefined;
  uint16(): number | undefined;
  uint32(): number | undefined;
  varint(): number | undefined;
  /** Length-prefixed bytes. */
  field(): Buffer | undefined;
  /** Length-prefixed UTF-8 (invalid sequences become U+FFFD). */
  text(): string | undefined;
  skip(count: number): boolean;
}

/**
 * @example const reader = bodyReader(frame.body); reader.text() // 'MQTT'
 */
export function bodyReader(body: Buffer, start = 0): BodyReader {
  let offset = start;
  const take = (count: number): Buffer | undefined => {
    if (count < 0 || offset + count > body.length) {
      offset = body.length + 1; // failed: every later read fails too
      return undefined;
    }
    const slice = body.subarray(offset, offset + count);
    offset += count;
    return slice;
  };
  const field = () => {
    const length = take(2);
    return length === undefined ? undefined : take(length.readUInt16BE(0));
  };
  return {
    get offset() {
      return offset;
    },
    get remaining() {
      return Math.max(0, body.length - offset);
    },
    byte: () => take(1)?.[0],
    uint16: () => take(2)?.readUInt16BE(0),
    uint32: () => take(4)?.readUInt32BE(0),
    varint() {
      if (offset > body.length) return undefined;
      const read = readVarint(body, offset);
      if (read.state !== 'complete') {
        offset = body.length + 1;
        return undefined;
      }
      offset += read.length;
      return read.value;
    },
    field,
    text: () => field()?.toString('utf8'),
    skip: (count) => take(count) !== undefined,
  };
}

/** DISCONNECT with no reason: 3.1, 3.1.1 and 5 (where it means "normal disconnection") alike. */
export function encodeDisconnect(): Buffer {
  return Buffer.from([packetTypes.disconnect << 4, 0x00]);
}

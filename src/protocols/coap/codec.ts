/**
 * CoAP messages (RFC 7252 §3): a 4-byte header (version, type, token length, code, message id),
 * the token, options as deltas, and after a 0xFF marker the payload. Pure functions: the one
 * request a survey sends (a confirmable GET of /.well-known/core, RFC 6690 §4) and a defensive
 * decoder that never throws — garbage, truncated and oversized messages are a reason.
 */
import { OpenNoticeError } from '../../core/errors.ts';

/** Message types (RFC 7252 §3: T). */
export type CoapType = 'CON' | 'NON' | 'ACK' | 'RST';
const types: readonly CoapType[] = ['CON', 'NON', 'ACK', 'RST'];

/** Option numbers read here (RFC 7252 §5.10, RFC 7959 §2.1). */
export const coapOption = { uriPath: 11, contentFormat: 12, block2: 23, size2: 28 } as const;

export interface CoapOption {
  number: number;
  value: Buffer;
}

export interface CoapMessage {
  type: CoapType;
  /** Code as class.detail: "2.05" (Content), "4.04" (Not Found), "0.00" (empty). */
  code: string;
  messageId: number;
  token: Buffer;
  options: CoapOption[];
  payload: Buffer;
}

/** What a decoding refused, and why. */
export type CoapDecode = { ok: true; message: CoapMessage } | { ok: false; reason: string };

/** A CoAP datagram larger than this is no answer of a constrained device (RFC 7252 §4.6 suggests 1152). */
export const maxCoapMessageBytes = 64 * 1024;
/** Options decoded at most from one message. */
const maxOptions = 64;

/**
 * The request: CON, GET (0.01), the given message id and token, Uri-Path ".well-known" and "core".
 * @example encodeWellKnownCore(0x1234, Buffer.from('a1b2c3d4', 'hex')).length // 4 + 4 + 12 + 5 = 25
 */
export function encodeWellKnownCore(messageId: number, token: Buffer): Buffer {
  if (token.length > 8) throw new OpenNoticeError('INTERNAL', 'a CoAP token is at most 8 bytes', { tokenLength: token.length });
  const header = Buffer.from([0x40 | token.length, 0x01, (messageId >> 8) & 0xff, messageId & 0xff]);
  const segments = ['.well-known', 'core'].map((segment) => Buffer.from(segment, 'utf8'));
  // Uri-Path is option 11: the first has delta 11, the repeat delta 0; both segments are < 13 bytes.
  const options = segments.map((segment, index) => Buffer.concat([Buffer.from([((index === 0 ? 11 : 0) << 4) | segment.length]), segment]));
  return Buffer.concat([header, token, ...options]);
}

/**
 * Decode one datagram. Never throws.
 * @example decodeCoap(Buffer.from('6045123400', 'hex')) // { ok: false, reason: 'payload marker without a payload' }
 */
export function decodeCoap(bytes: Buffer): CoapDecode {
  if (bytes.length < 4) return { ok: false, reason: `${bytes.length} bytes: shorter than a CoAP header` };
  if (bytes.length > maxCoapMessageBytes) return { ok: false, reason: `${bytes.length} bytes: larger than ${maxCoapMessageBytes}` };
  const version = bytes[0] >> 6;
  if (version !== 1) return { ok: false, reason: `version ${version}, not 1` };
  const tokenLength = bytes[0] & 0x0f;
  if (tokenLength > 8) return { ok: false, reason: `token length ${tokenLength} is reserved` };
  if (bytes.length < 4 + tokenLength) return { ok: false, reason: 'truncated token' };
  const type = types[(bytes[0] >> 4) & 0x03];
  const codeByte = bytes[1];
  const code = `${codeByte >> 5}.${String(codeByte & 0x1f).padStart(2, '0')}`;
  const messageId = bytes.readUInt16BE(2);
  const token = bytes.subarray(4, 4 + tokenLength);
  if (codeByte === 0 && bytes.length !== 4) return { ok: false, reason: 'an empty message with bytes after the header' };
  const options: CoapOption[] = [];
  let position = 4 + tokenLength;
  let number = 0;
  while (position < bytes.length) {
    const first = bytes[position];
    if (first === 0xff) {
      if (position + 1 >= bytes.length) return { ok: false, reason: 'payload marker without a payload' };
      return { ok: true, message: { type, code, messageId, token, options, payload: bytes.subarray(position + 1) } };
    }
    if (options.length >= maxOptions) return { ok: false, reason: `more than ${maxOptions} options` };
    position++;
    const delta = extended(bytes, first >> 4, position);
    if (!delta) return { ok: false, reason: 'bad option delta' };
    position = delta.next;
    const length = extended(bytes, first & 0x0f, position);
    if (!length) return { ok: false, reason: 'bad option length' };
    position = length.next;
    if (position + length.value > bytes.length) return { ok: false, reason: 'truncated option value' };
    number += delta.value;
    options.push({ number, value: bytes.subarray(position, position + length.value) });
    position += length.value;
  }
  return { ok: true, message: { type, code, messageId, token, options, payload: Buffer.alloc(0) } };
}

/** A 4-bit option delta or length with its extension bytes (13: one more byte, 14: two, 15: reserved). */
function extended(bytes: Buffer, nibble: number, at: number): { value: number; next: number } | undefined {
  if (nibble < 13) return { value: nibble, next: at };
  if (nibble === 13) return at < bytes.length ? { value: bytes[at] + 13, next: at + 1 } : undefined;
  if (nibble === 14) return at + 1 < bytes.length ? { value: bytes.readUInt16BE(at) + 269, next: at + 2 } : undefined;
  return undefined;
}

/**
 * An option's value as the unsigned integer it encodes (RFC 7252 §3.2: big-endian, up to 4 bytes).
 * @example uintOption(Buffer.from([0x28])) // 40
 */
export function uintOption(value: Buffer): number {
  let result = 0;
  for (const byte of value.subarray(-4)) result = result * 256 + byte;
  return result;
}

/** The Block2 option (RFC 7959 §2.2): which block this is, whether more follow, the block size. */
export interface Block2 {
  num: number;
  more: boolean;
  size: number;
}

/**
 * Block2 of a message, when it has one.
 * @example block2Of(message) // { num: 0, more: true, size: 1024 }
 */
export function block2Of(message: CoapMessage): Block2 | undefined {
  const option = message.options.find((candidate) => candidate.number === coapOption.block2);
  if (!option || option.value.length > 3) return undefined;
  const value = uintOption(option.value);
  const szx = value & 0x07;
  if (szx === 7) return undefined;
  return { num: value >> 4, more: (value & 0x08) !== 0, size: 2 ** (szx + 4) };
}

/**
 * Whether `message` answers the request with `messageId` and `token`: an ACK or RST carries the
 * request's message id (an RST or empty ACK may carry no token), a separate response (CON/NON,
 * RFC 7252 §5.2.2) carries its token.
 * @example answers(message, 0x1234, token) // true
 */
export function answers(message: CoapMessage, messageId: number, token: Buffer): boolean {
  const empty = message.code === '0.00';
  if (message.type === 'ACK' || message.type === 'RST') {
    if (message.messageId !== messageId) return false;
    return empty || message.token.equals(token);
  }
  // A request's code class is 0; responses are 2.xx, 4.xx, 5.xx.
  return !empty && Number(message.code[0]) >= 2 && message.token.equals(token);
}

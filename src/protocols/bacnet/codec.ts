/**
 * BACnet/IP as a survey needs it: a confirmed ReadProperty of one property of the Device object,
 * inside an NPDU inside a BVLC Original-Unicast frame, and the answer to it (ComplexACK with the
 * value, or Error, Reject, Abort). Pure functions; every length is checked against the datagram.
 */

/** BVLC type of BACnet/IP (Annex J). */
const bvlcType = 0x81;
export const bvlcFunctions = { forwardedNpdu: 0x04, originalUnicast: 0x0a, originalBroadcast: 0x0b } as const;
/** The Device object type, and the instance every device takes as "me" (Clause 15.5). */
const deviceObjectType = 8;
export const wildcardDeviceInstance = 4194303;
const readPropertyService = 0x0c;
const apduTypes = { complexAck: 3, error: 5, reject: 6, abort: 7 } as const;

/** The Device object's properties a survey reads, by their BACnet property identifiers. */
export const deviceProperties = {
  vendorName: 121,
  modelName: 70,
  firmwareRevision: 44,
  applicationSoftwareVersion: 12,
  objectName: 77,
  description: 28,
  location: 58,
} as const;
export type DeviceProperty = keyof typeof deviceProperties;

/** Longest property text kept: names and versions are short; anything longer is cut. */
const maxTextLength = 256;

export type ReadPropertyAnswer =
  | { kind: 'value'; invokeId: number; deviceInstance: number; propertyId: number; text?: string }
  | { kind: 'error'; invokeId: number; errorClass?: number; errorCode?: number }
  | { kind: 'reject' | 'abort'; invokeId: number; reason: number };

export type DecodedAnswer = { state: 'invalid'; reason: string } | { state: 'complete'; answer: ReadPropertyAnswer };

/**
 * A confirmed ReadProperty of one property of Device `instance` (the wildcard by default).
 * @example encodeReadProperty(1, deviceProperties.vendorName) // <Buffer 81 0a 00 11 01 04 00 05 01 0c 0c 02 3f ff ff 19 79>
 */
export function encodeReadProperty(invokeId: number, propertyId: number, instance: number = wildcardDeviceInstance): Buffer {
  const objectId = ((deviceObjectType << 22) | (instance & 0x3fffff)) >>> 0;
  const property = propertyId < 0x100 ? Buffer.from([0x19, propertyId]) : Buffer.from([0x1a, propertyId >> 8, propertyId & 0xff]);
  const apdu = Buffer.concat([
    // Confirmed request, not segmented, segmented answers not accepted; up to 1476-byte answers.
    Buffer.from([0x00, 0x05, invokeId & 0xff, readPropertyService, 0x0c]),
    uint32(objectId),
    property,
  ]);
  // NPDU version 1, control: a reply is expected; no network addresses (the device is on the wire we reach).
  const npdu = Buffer.from([0x01, 0x04]);
  const header = Buffer.from([bvlcType, bvlcFunctions.originalUnicast, 0, 0]);
  header.writeUInt16BE(header.length + npdu.length + apdu.length, 2);
  return Buffer.concat([header, npdu, apdu]);
}

function uint32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value >>> 0, 0);
  return bytes;
}

/**
 * One datagram decoded as the answer to a ReadProperty; invalid for anything else (a request,
 * a network-layer message, a segmented answer, lengths past the datagram).
 * @example decodeAnswer(reply) // { state: 'complete', answer: { kind: 'value', propertyId: 121, text: 'Acme Controls' } }
 */
export function decodeAnswer(datagram: Buffer): DecodedAnswer {
  const apdu = apduOf(datagram);
  if (typeof apdu === 'string') return { state: 'invalid', reason: apdu };
  if (apdu.length < 3) return { state: 'invalid', reason: 'APDU too short' };
  const type = apdu[0]! >> 4;
  const invokeId = apdu[1]!;
  switch (type) {
    case apduTypes.complexAck:
      return decodeComplexAck(apdu);
    case apduTypes.error: {
      if (apdu[2] !== readPropertyService) return { state: 'invalid', reason: `Error for service ${apdu[2]}` };
      const errorClass = applicationValue(apdu, 3);
      const errorCode = errorClass ? applicationValue(apdu, errorClass.next) : undefined;
      return {
        state: 'complete',
        answer: { kind: 'error', invokeId, ...(errorClass ? { errorClass: errorClass.number } : {}), ...(errorCode ? { errorCode: errorCode.number } : {}) },
      };
    }
    case apduTypes.reject:
    case apduTypes.abort:
      return { state: 'complete', answer: { kind: type === apduTypes.reject ? 'reject' : 'abort', invokeId, reason: apdu[2]! } };
    default:
      return { state: 'invalid', reason: `APDU type ${type} is no answer to a confirmed request` };
  }
}

/** The APDU inside BVLC and NPDU, or why there is none. */
function apduOf(datagram: Buffer): Buffer | string {
  if (datagram.length < 6 || datagram[0] !== bvlcType) return 'not a BACnet/IP frame';
  const bvlcLength = datagram.readUInt16BE(2);
  if (bvlcLength !== datagram.length) return `BVLC length ${bvlcLength}, datagram ${datagram.length}`;
  const bvlcFunction = datagram[1]!;
  let position: number;
  if (bvlcFunction === bvlcFunctions.originalUnicast || bvlcFunction === bvlcFunctions.originalBroadcast) position = 4;
  else if (bvlcFunction === bvlcFunctions.forwardedNpdu)
    position = 10; // + originating address and port
  else return `BVLC function ${bvlcFunction} carries no NPDU`;
  if (datagram[position] !== 0x01) return `NPDU version ${datagram[position]}`;
  const control = datagram[position + 1] ?? 0;
  if (control & 0x80) return 'a network-layer message';
  position += 2;
  if (control & 0x20) {
    const length = datagram[position + 2];
    if (length === undefined) return 'destination past the end';
    position += 3 + length;
  }
  if (control & 0x08) {
    const length = datagram[position + 2];
    if (length === undefined) return 'source past the end';
    position += 3 + length;
  }
  if (control & 0x20) position += 1; // hop count
  if (position >= datagram.length) return 'no APDU';
  return datagram.subarray(position);
}

function decodeComplexAck(apdu: Buffer): DecodedAnswer {
  if (apdu[0]! & 0x08) return { state: 'invalid', reason: 'segmented ComplexACK (we accept none)' };
  if (apdu[2] !== readPropertyService) return { state: 'invalid', reason: `ComplexACK for service ${apdu[2]}` };
  // Context tag 0 (object identifier, 4 bytes), context tag 1 (property, 1 or 2 bytes), optional 2, then [3] value [/3].
  if (apdu[3] !== 0x0c || apdu.length < 8) return { state: 'invalid', reason: 'no object identifier' };
  const objectId = apdu.readUInt32BE(4);
  let position = 8;
  const propertyTag = apdu[position];
  const propertyLength = propertyTag === undefined ? 0 : propertyTag & 0x07;
  if ((propertyTag ?? 0) >> 3 !== 0x03 || propertyLength < 1 || propertyLength > 4 || position + 1 + propertyLength > apdu.length)
    return { state: 'invalid', reason: 'no property identifier' };
  const propertyId = apdu.readUIntBE(position + 1, propertyLength);
  position += 1 + propertyLength;
  if (((apdu[position] ?? 0) & 0xf8) === 0x28) position += 1 + ((apdu[position] ?? 0) & 0x07); // array index
  if (apdu[position] !== 0x3e) return { state: 'invalid', reason: 'no opening tag of the value' };
  const value = applicationValue(apdu, position + 1);
  if (!value) return { state: 'invalid', reason: 'value past the end' };
  const text = value.tag === 7 ? characterString(value.content) : undefined;
  return {
    state: 'complete',
    answer: { kind: 'value', invokeId: apdu[1]!, deviceInstance: objectId & 0x3fffff, propertyId, ...(text === undefined ? {} : { text }) },
  };
}

interface TaggedValue {
  tag: number;
  content: Buffer;
  /** Unsigned or enumerated content read as a number (up to 4 bytes). */
  number: number;
  next: number;
}

/** One application-tagged value at `position`, or undefined when it is not one or runs past the end. */
function applicationValue(bytes: Buffer, position: number): TaggedValue | undefined {
  const first = bytes[position];
  if (first === undefined || first & 0x08) return undefined; // a context tag, not an application value
  let tag = first >> 4;
  let cursor = position + 1;
  if (tag === 15) {
    tag = bytes[cursor] ?? 0;
    cursor++;
  }
  let length = first & 0x07;
  if (length === 5) {
    const extended = bytes[cursor];
    if (extended === undefined) return undefined;
    cursor++;
    if (extended === 254) {
      if (cursor + 2 > bytes.length) return undefined;
      length = bytes.readUInt16BE(cursor);
      cursor += 2;
    } else if (extended === 255) {
      if (cursor + 4 > bytes.length) return undefined;
      length = bytes.readUInt32BE(cursor);
      cursor += 4;
    } else length = extended;
  }
  // Boolean (tag 1) keeps its value in the length bits: no content.
  if (tag === 1) return { tag, content: Buffer.alloc(0), number: length, next: cursor };
  if (cursor + length > bytes.length) return undefined;
  const content = bytes.subarray(cursor, cursor + length);
  const number = length >= 1 && length <= 4 ? content.readUIntBE(0, length) : 0;
  return { tag, content, number, next: cursor + length };
}

/** A CharacterString's text: UTF-8 (0), UCS-2 (4) or ISO 8859-1 (5); others are not decoded. */
function characterString(content: Buffer): string | undefined {
  const charset = content[0];
  const body = content.subarray(1);
  let text: string;
  if (charset === 0) text = body.toString('utf8');
  else if (charset === 5) text = body.toString('latin1');
  else if (charset === 4)
    text = Buffer.from(body.subarray(0, body.length - (body.length % 2)))
      .swap16()
      .toString('utf16le');
  else return undefined;
  return text
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim()
    .slice(0, maxTextLength);
}

/**
 * Whether a datagram is a BACnet answer to a confirmed request (the sweep's matcher): structure only.
 * @example isReadPropertyAnswer(reply) // true for a ComplexACK, Error, Reject or Abort
 */
export function isReadPropertyAnswer(datagram: Buffer): boolean {
  return decodeAnswer(datagram).state === 'complete';
}

/**
 * Modbus/TCP as a survey needs it: one request, Read Device Identification (function 43, MEI
 * type 14), and its answer or an exception. Frames are MBAP-framed (transaction id, protocol
 * id 0, length, unit id) PDUs. Pure functions; every length a reply announces is checked
 * against what arrived and against the protocol's own maximum (a PDU is at most 253 bytes).
 */

/** MBAP header: transaction id, protocol id, length (2 bytes each), unit id (1). */
const mbapBytes = 7;
/** The length field counts the unit id and the PDU: at most 1 + 253. */
const maxLengthField = 254;
export const functionCodes = { encapsulatedInterface: 0x2b } as const;
/** MEI type of Read Device Identification inside function 43. */
export const readDeviceIdMei = 0x0e;
/** Read device id codes: stream access to the basic (objects 0–2) and regular (3–6) categories. */
export const readDeviceIdCodes = { basic: 0x01, regular: 0x02 } as const;
export type ReadDeviceIdCode = (typeof readDeviceIdCodes)[keyof typeof readDeviceIdCodes];

/** The object ids of the basic and regular categories, named as the Modbus specification names them. */
export const deviceIdObjects = {
  vendorName: 0x00,
  productCode: 0x01,
  majorMinorRevision: 0x02,
  vendorUrl: 0x03,
  productName: 0x04,
  modelName: 0x05,
  userApplicationName: 0x06,
} as const;

export interface ReadDeviceIdRequest {
  transactionId: number;
  unitId: number;
  code: ReadDeviceIdCode;
  /** The object to start at: 0 (basic) or 3 (regular), or the "next object id" of a previous answer. */
  objectId: number;
}

export interface DeviceIdAnswer {
  kind: 'identification';
  transactionId: number;
  unitId: number;
  code: number;
  /** What the device supports: 1 basic, 2 regular, 3 extended; +0x80 when individual access works too. */
  conformityLevel: number;
  /** More objects follow that did not fit: ask again from `nextObjectId`. */
  moreFollows: boolean;
  nextObjectId: number;
  objects: Array<{ id: number; value: string }>;
}

export interface ExceptionAnswer {
  kind: 'exception';
  transactionId: number;
  unitId: number;
  /** The function the exception answers (without the 0x80 bit). */
  functionCode: number;
  /** 1 illegal function, 2 illegal data address, 3 illegal data value, 10/11 gateway errors … */
  exceptionCode: number;
}

export type ModbusAnswer = DeviceIdAnswer | ExceptionAnswer;

export type DecodedFrame = { state: 'incomplete' } | { state: 'invalid'; reason: string } | { state: 'complete'; answer: ModbusAnswer; bytes: number };

/**
 * One Read Device Identification request, MBAP-framed.
 * @example encodeReadDeviceId({ transactionId: 1, unitId: 0, code: 1, objectId: 0 }) // <Buffer 00 01 00 00 00 05 00 2b 0e 01 00>
 */
export function encodeReadDeviceId(request: ReadDeviceIdRequest): Buffer {
  const frame = Buffer.alloc(mbapBytes + 4);
  frame.writeUInt16BE(request.transactionId & 0xffff, 0);
  frame.writeUInt16BE(0, 2); // protocol id 0: Modbus
  frame.writeUInt16BE(5, 4); // unit id + 4 PDU bytes
  frame[6] = request.unitId & 0xff;
  frame[7] = functionCodes.encapsulatedInterface;
  frame[8] = readDeviceIdMei;
  frame[9] = request.code;
  frame[10] = request.objectId & 0xff;
  return frame;
}

/**
 * The first Modbus/TCP frame in `bytes`: incomplete until the MBAP length is satisfied; invalid
 * when the header is not Modbus's (protocol id not 0, a length no PDU can have) or the PDU is
 * not an answer to function 43/14.
 * @example decodeFrame(reply) // { state: 'complete', answer: { kind: 'identification', objects: [{ id: 0, value: 'Schneider Electric' }, …] } }
 */
export function decodeFrame(bytes: Buffer): DecodedFrame {
  if (bytes.length >= 4 && bytes.readUInt16BE(2) !== 0) return { state: 'invalid', reason: `protocol id ${bytes.readUInt16BE(2)}, not Modbus` };
  if (bytes.length < 6) return { state: 'incomplete' };
  const length = bytes.readUInt16BE(4);
  if (length < 2 || length > maxLengthField) return { state: 'invalid', reason: `MBAP length ${length} out of 2..${maxLengthField}` };
  const total = 6 + length;
  if (bytes.length < total) return { state: 'incomplete' };
  const transactionId = bytes.readUInt16BE(0);
  const unitId = bytes[6]!;
  const pdu = bytes.subarray(mbapBytes, total);
  const functionCode = pdu[0]!;
  if (functionCode & 0x80) {
    if (pdu.length < 2) return { state: 'invalid', reason: 'exception without a code' };
    return { state: 'complete', bytes: total, answer: { kind: 'exception', transactionId, unitId, functionCode: functionCode & 0x7f, exceptionCode: pdu[1]! } };
  }
  if (functionCode !== functionCodes.encapsulatedInterface) return { state: 'invalid', reason: `function ${functionCode} in answer to 43` };
  const identification = decodeDeviceId(pdu);
  if (typeof identification === 'string') return { state: 'invalid', reason: identification };
  return { state: 'complete', bytes: total, answer: { kind: 'identification', transactionId, unitId, ...identification } };
}

/** The body of a function 43/14 answer, or why it is not one. */
function decodeDeviceId(pdu: Buffer): Omit<DeviceIdAnswer, 'kind' | 'transactionId' | 'unitId'> | string {
  if (pdu.length < 7) return `function 43 answer of ${pdu.length} bytes`;
  if (pdu[1] !== readDeviceIdMei) return `MEI type ${pdu[1]}, not Read Device Identification`;
  const count = pdu[6]!;
  const objects: Array<{ id: number; value: string }> = [];
  let position = 7;
  for (let index = 0; index < count; index++) {
    if (position + 2 > pdu.length) return `object ${index + 1} of ${count} past the end`;
    const id = pdu[position]!;
    const length = pdu[position + 1]!;
    if (position + 2 + length > pdu.length) return `object ${id} announces ${length} bytes, past the end`;
    objects.push({ id, value: printable(pdu.subarray(position + 2, position + 2 + length)) });
    position += 2 + length;
  }
  return { code: pdu[2]!, conformityLevel: pdu[3]!, moreFollows: pdu[4] === 0xff, nextObjectId: pdu[5]!, objects };
}

/** Object values are ASCII strings by the specification; anything else is dropped, not trusted. */
function printable(bytes: Buffer): string {
  return bytes
    .toString('latin1')
    .replace(/[^\x20-\x7e]/g, '')
    .trim();
}

/**
 * Whether a reply is a Modbus/TCP answer to our request (detection on any port): a complete
 * frame with protocol id 0 that is an identification or an exception.
 * @example isModbusAnswer(Buffer.from('000100000003008b01', 'hex')) // true (exception: illegal function)
 */
export function isModbusAnswer(bytes: Buffer): boolean {
  return decodeFrame(bytes).state === 'complete';
}

/** Whether a conformity level says the regular category (objects 3–6) can be read. */
export function offersRegular(conformityLevel: number): boolean {
  const level = conformityLevel & 0x7f;
  return level === 0x02 || level === 0x03;
}

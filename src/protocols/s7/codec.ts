/**
 * Siemens S7 communication ("S7comm") as far as opennotice speaks it: the ISO-on-TCP frame
 * (RFC 1006 TPKT), the ISO 8073 COTP connection request and data header under it, and three
 * S7 PDUs: Setup Communication and the user-data "read SZL" request (system status list: the
 * CPU's own description of itself). No PDU that reads or writes process data, starts, stops
 * or uploads anything is built here. Pure functions.
 *
 * A frame on the wire: TPKT (3, 0, total length) · COTP header · S7 PDU (0x32, kind, …).
 */

/** RFC 1006: version 3, a reserved 0, then the length of the whole frame, header included. */
export const tpktHeaderBytes = 4;
/** The largest frame a TPKT length may announce. */
export const maxTpktLength = 0xffff;

/** COTP PDU types (ISO 8073), high nibble of the second header byte. */
export const cotpType = { connectionRequest: 0xe0, connectionConfirm: 0xd0, disconnectRequest: 0x80, data: 0xf0 } as const;

/** S7 PDU kinds ("ROSCTR"). */
export const s7Kind = { job: 0x01, ack: 0x02, ackData: 0x03, userData: 0x07 } as const;

/** Identifies S7comm; every S7 PDU starts with it. */
export const s7ProtocolId = 0x32;

/** The PDU size we offer in Setup Communication: what Step 7 and public scanners offer. */
export const offeredPduLength = 480;

/**
 * Wrap a COTP PDU in a TPKT header.
 * @example tpkt(Buffer.from([0x02, 0xf0, 0x80])) // <Buffer 03 00 00 07 02 f0 80>
 */
export function tpkt(payload: Buffer): Buffer {
  const header = Buffer.from([3, 0, 0, 0]);
  header.writeUInt16BE(tpktHeaderBytes + payload.length, 2);
  return Buffer.concat([header, payload]);
}

/**
 * A COTP connection request for one destination TSAP (0x0102: rack 0, slot 2; 0x0101: slot 1),
 * from source TSAP 0x0100 (a PG/PC connection), offering 1024-byte TPDUs.
 * @example encodeConnectionRequest(0x0102).toString('hex') // '0300001611e00000000100c1020100c2020102c0010a'
 */
export function encodeConnectionRequest(destinationTsap: number, sourceTsap = 0x0100): Buffer {
  const parameters = Buffer.from([0xc1, 2, sourceTsap >> 8, sourceTsap & 0xff, 0xc2, 2, destinationTsap >> 8, destinationTsap & 0xff, 0xc0, 1, 0x0a]);
  // Destination reference 0 (unknown yet), source reference 1, class 0.
  const fixed = Buffer.from([cotpType.connectionRequest, 0x00, 0x00, 0x00, 0x01, 0x00]);
  return tpkt(Buffer.concat([Buffer.from([fixed.length + parameters.length]), fixed, parameters]));
}

/** One S7 PDU inside a COTP data TPDU that is the last (and only) one of its message. */
function s7Frame(pdu: Buffer): Buffer {
  return tpkt(Buffer.concat([Buffer.from([0x02, cotpType.data, 0x80]), pdu]));
}

/** The 10-byte header of a job or user-data PDU. */
function s7Header(kind: number, reference: number, parameters: Buffer, data: Buffer): Buffer {
  const header = Buffer.alloc(10);
  header.writeUInt8(s7ProtocolId, 0);
  header.writeUInt8(kind, 1);
  header.writeUInt16BE(reference & 0xffff, 4);
  header.writeUInt16BE(parameters.length, 6);
  header.writeUInt16BE(data.length, 8);
  return Buffer.concat([header, parameters, data]);
}

/**
 * Setup Communication: one outstanding job each way, our PDU size. The CPU answers with the
 * size it grants; nothing in it changes the CPU's state.
 * @example encodeSetupCommunication(1).length // 25
 */
export function encodeSetupCommunication(reference: number): Buffer {
  const parameters = Buffer.alloc(8);
  parameters.writeUInt8(0xf0, 0); // function: setup communication
  parameters.writeUInt16BE(1, 2);
  parameters.writeUInt16BE(1, 4);
  parameters.writeUInt16BE(offeredPduLength, 6);
  return s7Frame(s7Header(s7Kind.job, reference, parameters, Buffer.alloc(0)));
}

/**
 * A user-data request "CPU functions: read SZL" for one SZL id and index: the read-only
 * diagnostic query the CPU's own display and every engineering tool use.
 * @example encodeReadSzl(2, 0x0011, 0).length // 33
 */
export function encodeReadSzl(reference: number, szlId: number, szlIndex: number): Buffer {
  // Parameter head 00 01 12, 4 more bytes: method request (0x11), type request + group CPU functions (0x44), subfunction read SZL (0x01), sequence 0.
  const parameters = Buffer.from([0x00, 0x01, 0x12, 0x04, 0x11, 0x44, 0x01, 0x00]);
  const data = Buffer.alloc(8);
  data.writeUInt8(0xff, 0); // return code placeholder, as requests carry it
  data.writeUInt8(0x09, 1); // transport size: octet string
  data.writeUInt16BE(4, 2);
  data.writeUInt16BE(szlId, 4);
  data.writeUInt16BE(szlIndex, 6);
  return s7Frame(s7Header(s7Kind.userData, reference, parameters, data));
}

/** One TPKT frame cut from a stream. */
export type FrameDecode = { state: 'incomplete' } | { state: 'invalid'; reason: string } | { state: 'complete'; payload: Buffer; length: number };

/**
 * The first TPKT frame of `bytes`: its payload (the COTP PDU) and the bytes it took.
 * @example decodeTpkt(Buffer.from('0300000702f080', 'hex')) // { state: 'complete', payload: <02 f0 80>, length: 7 }
 */
export function decodeTpkt(bytes: Buffer): FrameDecode {
  if (bytes.length >= 1 && bytes[0] !== 3) return { state: 'invalid', reason: `not a TPKT frame (version byte 0x${bytes[0]!.toString(16)})` };
  if (bytes.length < tpktHeaderBytes) return { state: 'incomplete' };
  const length = bytes.readUInt16BE(2);
  // The smallest COTP PDU is a length indicator and a type: a frame announcing less is broken.
  if (length < tpktHeaderBytes + 2) return { state: 'invalid', reason: `TPKT length ${length} is shorter than any COTP PDU` };
  if (bytes.length < length) return { state: 'incomplete' };
  return { state: 'complete', payload: bytes.subarray(tpktHeaderBytes, length), length };
}

/** A COTP PDU: its type and, for data, the user data (the S7 PDU) after the header. */
export type CotpPdu = { type: number; userData: Buffer; lastUnit: boolean };

/**
 * Read a COTP PDU from a TPKT payload; undefined when its length indicator does not fit.
 * @example decodeCotp(Buffer.from('02f08032', 'hex')) // { type: 0xf0, userData: <32>, lastUnit: true }
 */
export function decodeCotp(payload: Buffer): CotpPdu | undefined {
  const headerLength = payload[0];
  if (headerLength === undefined || headerLength < 1 || headerLength + 1 > payload.length) return undefined;
  const type = payload[1]! & 0xf0;
  const lastUnit = type === cotpType.data ? ((payload[2] ?? 0) & 0x80) !== 0 : true;
  return { type, userData: payload.subarray(headerLength + 1), lastUnit };
}

/** The parts of an S7 PDU a grab reads. */
export interface S7Pdu {
  kind: number;
  reference: number;
  /** For ack-data: error class and code (0, 0 when the job succeeded). */
  errorClass: number;
  errorCode: number;
  parameters: Buffer;
  data: Buffer;
}

/**
 * Parse an S7 PDU (the user data of a COTP data TPDU). Lengths that overrun the PDU are invalid.
 * @example decodeS7(Buffer.from('320300000001000800000000f0000001000101e0', 'hex'))?.kind // 3
 */
export function decodeS7(pdu: Buffer): { pdu: S7Pdu } | { invalid: string } {
  if (pdu.length < 10) return { invalid: `an S7 PDU of ${pdu.length} bytes is shorter than its header` };
  if (pdu[0] !== s7ProtocolId) return { invalid: `not S7comm (protocol id 0x${pdu[0]!.toString(16)})` };
  const kind = pdu[1]!;
  // Only acknowledgements carry the error class and code; their header is 12 bytes.
  const headerLength = kind === s7Kind.ack || kind === s7Kind.ackData ? 12 : 10;
  if (pdu.length < headerLength) return { invalid: 'S7 acknowledgement header cut short' };
  const parameterLength = pdu.readUInt16BE(6);
  const dataLength = pdu.readUInt16BE(8);
  if (headerLength + parameterLength + dataLength > pdu.length)
    return { invalid: `S7 PDU announces ${parameterLength} + ${dataLength} bytes, ${pdu.length - headerLength} present` };
  const parametersStart = headerLength;
  return {
    pdu: {
      kind,
      reference: pdu.readUInt16BE(4),
      errorClass: headerLength === 12 ? pdu[10]! : 0,
      errorCode: headerLength === 12 ? pdu[11]! : 0,
      parameters: pdu.subarray(parametersStart, parametersStart + parameterLength),
      data: pdu.subarray(parametersStart + parameterLength, parametersStart + parameterLength + dataLength),
    },
  };
}

/**
 * The PDU size a Setup Communication acknowledgement grants; undefined when it is not one.
 * @example negotiatedPduLength(pdu) // 240
 */
export function negotiatedPduLength(pdu: S7Pdu): number | undefined {
  if (pdu.kind !== s7Kind.ackData || pdu.parameters.length < 8 || pdu.parameters[0] !== 0xf0) return undefined;
  return pdu.parameters.readUInt16BE(6);
}

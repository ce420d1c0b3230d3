/**
 * IEC 60870-5-104 application protocol control information (APCI), the frame every 104 message
 * rides in: a start byte 0x68, the length of what follows (4 to 253), four control octets, and
 * for I-format frames an ASDU. opennotice only ever builds one frame, TESTFR act (U-format): the
 * link test a controlling station sends to check the connection is alive. Never STARTDT (which
 * starts data transfer), never an I-format frame (a command or an interrogation). Pure functions.
 */

export const startByte = 0x68;
/** The length byte counts the control octets and the ASDU: at least 4, at most 253. */
export const minApduLength = 4;
export const maxApduLength = 253;

/** U-format functions (first control octet; the other three are 0). */
export const uFunction = {
  startdtAct: 0x07,
  startdtCon: 0x0b,
  stopdtAct: 0x13,
  stopdtCon: 0x23,
  testfrAct: 0x43,
  testfrCon: 0x83,
} as const;

/**
 * The one frame a grab sends: TESTFR act.
 * @example encodeTestFrame().toString('hex') // '680443000000'
 */
export function encodeTestFrame(): Buffer {
  return Buffer.from([startByte, 4, uFunction.testfrAct, 0, 0, 0]);
}

/** One APDU as read: its format and what a record of it needs. */
export type Apdu =
  | { format: 'I'; sendSequence: number; receiveSequence: number; asdu: Buffer }
  | { format: 'S'; receiveSequence: number }
  | { format: 'U'; function: number };

export type ApduDecode = { state: 'incomplete' } | { state: 'invalid'; reason: string } | { state: 'complete'; apdu: Apdu; length: number };

/**
 * The first APDU of `bytes`.
 * @example decodeApdu(Buffer.from('680483000000', 'hex')) // { state: 'complete', apdu: { format: 'U', function: 0x83 }, length: 6 }
 */
export function decodeApdu(bytes: Buffer): ApduDecode {
  if (bytes.length === 0) return { state: 'incomplete' };
  if (bytes[0] !== startByte) return { state: 'invalid', reason: `not an IEC 104 frame (start byte 0x${bytes[0]!.toString(16)})` };
  if (bytes.length < 2) return { state: 'incomplete' };
  const length = bytes[1]!;
  if (length < minApduLength || length > maxApduLength) return { state: 'invalid', reason: `APDU length ${length} outside ${minApduLength}..${maxApduLength}` };
  if (bytes.length < 2 + length) return { state: 'incomplete' };
  const control = bytes.subarray(2, 6);
  const first = control[0]!;
  const total = 2 + length;
  if ((first & 0x01) === 0) {
    const apdu: Apdu = {
      format: 'I',
      sendSequence: control.readUInt16LE(0) >> 1,
      receiveSequence: control.readUInt16LE(2) >> 1,
      asdu: bytes.subarray(6, total),
    };
    return { state: 'complete', apdu, length: total };
  }
  if (length !== minApduLength) return { state: 'invalid', reason: `an ${(first & 0x03) === 0x01 ? 'S' : 'U'}-format frame of length ${length} (must be 4)` };
  if ((first & 0x03) === 0x01) return { state: 'complete', apdu: { format: 'S', receiveSequence: control.readUInt16LE(2) >> 1 }, length: total };
  if (!Object.values(uFunction).includes(first as never)) return { state: 'invalid', reason: `unknown U-format function 0x${first.toString(16)}` };
  return { state: 'complete', apdu: { format: 'U', function: first }, length: total };
}

/**
 * A short name of an APDU for the record: "I", "S", "U:TESTFR-act" …
 * @example apduName({ format: 'U', function: 0x83 }) // 'U:TESTFR-con'
 */
export function apduName(apdu: Apdu): string {
  if (apdu.format !== 'U') return apdu.format;
  const names: Record<number, string> = {
    [uFunction.startdtAct]: 'STARTDT-act',
    [uFunction.startdtCon]: 'STARTDT-con',
    [uFunction.stopdtAct]: 'STOPDT-act',
    [uFunction.stopdtCon]: 'STOPDT-con',
    [uFunction.testfrAct]: 'TESTFR-act',
    [uFunction.testfrCon]: 'TESTFR-con',
  };
  return `U:${names[apdu.function] ?? apdu.function.toString(16)}`;
}

/** The head of an ASDU: its type, cause of transmission and the station's common address. */
export interface AsduHead {
  typeId: number;
  cause: number;
  commonAddress: number;
}

/**
 * Read an ASDU's head with the standard 104 field sizes (2-octet cause, 2-octet common address).
 * @example asduHead(Buffer.from('6401060001000000000014', 'hex')) // { typeId: 100, cause: 6, commonAddress: 1 }
 */
export function asduHead(asdu: Buffer): AsduHead | undefined {
  if (asdu.length < 6) return undefined;
  return { typeId: asdu[0]!, cause: asdu[2]! & 0x3f, commonAddress: asdu.readUInt16LE(4) };
}

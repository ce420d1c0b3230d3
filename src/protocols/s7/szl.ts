/**
 * Reading the two system status lists (SZL) an S7 grab asks for, as Siemens documents them
 * ("System Software for S7-300/400, System and Standard Functions", chapter "System Status
 * Lists"): 0x0011, module identification (order number, hardware and firmware versions) and
 * 0x001C, component identification (PLC name, module name, copyright, serial number, module
 * type). Pure functions over the user-data reply.
 */
import type { S7Pdu } from './codec.ts';
import { s7Kind } from './codec.ts';

/** The two lists read. */
export const szlModuleIdentification = 0x0011;
export const szlComponentIdentification = 0x001c;

/** The SZL part of a reply: its id, index and records (each `recordLength` bytes). */
export interface SzlList {
  id: number;
  index: number;
  records: Buffer[];
}

/** Records beyond this are not read: 0x001C has about a dozen, 0x0011 four. */
const maxRecords = 32;

/**
 * The SZL list a "read SZL" user-data reply carries; `{ error }` when the CPU refused the read
 * (an unknown list, no right) or the reply is not one.
 * @example decodeSzlReply(pdu) // { list: { id: 0x0011, index: 0, records: [<00 01 36 45 53 37 …>, …] } }
 */
export function decodeSzlReply(pdu: S7Pdu): { list: SzlList } | { error: string } {
  if (pdu.kind !== s7Kind.userData) return { error: `not a user-data reply (kind ${pdu.kind})` };
  // Response parameters: 00 01 12, length, method 0x12, type response (8) + group CPU (4), subfunction, sequence, …, error code.
  const parameters = pdu.parameters;
  if (parameters.length < 8 || parameters[4] !== 0x12 || (parameters[5]! & 0x0f) !== 0x04 || parameters[6] !== 0x01)
    return { error: 'not a read-SZL response' };
  if (parameters.length >= 12 && parameters.readUInt16BE(10) !== 0)
    return { error: `the CPU refused the read (error 0x${parameters.readUInt16BE(10).toString(16)})` };
  const data = pdu.data;
  if (data.length < 4) return { error: 'read-SZL response without data' };
  if (data[0] !== 0xff) return { error: `the CPU refused the read (return code 0x${data[0]!.toString(16)})` };
  const payloadLength = data.readUInt16BE(2);
  const payload = data.subarray(4, 4 + payloadLength);
  if (payload.length < 8) return { error: 'SZL header cut short' };
  const recordLength = payload.readUInt16BE(4);
  const recordCount = payload.readUInt16BE(6);
  if (recordLength === 0 && recordCount > 0) return { error: 'SZL records of length 0' };
  const records: Buffer[] = [];
  for (let at = 8, count = 0; count < Math.min(recordCount, maxRecords) && at + recordLength <= payload.length; at += recordLength, count++)
    records.push(payload.subarray(at, at + recordLength));
  return { list: { id: payload.readUInt16BE(0), index: payload.readUInt16BE(2), records } };
}

/** Printable text of a fixed-length field: NULs and padding dropped, anything unprintable replaced. */
function text(bytes: Buffer): string {
  return bytes
    .toString('latin1')
    .replace(/\0.*$/s, '')
    .replace(/[^\x20-\x7e]/g, '?')
    .trim();
}

/** What 0x0011 says about the module. */
export interface ModuleIdentification {
  /** The module's order number ("MLFB"): "6ES7 214-1AG40-0XB0". */
  orderNumber?: string;
  /** Hardware version as the CPU states it ("1"). */
  hardwareVersion?: string;
  /** Firmware version, in Siemens's spelling: "V4.2.3". */
  firmwareVersion?: string;
}

/**
 * Module identification from 0x0011 records (28 bytes: index, 20-character order number,
 * type id, Ausbg, Ausbe). Index 1 is the module, 6 its hardware, 7 its firmware; a firmware
 * version is written as "V" and three numbers in the last four bytes.
 * @example moduleIdentification(list).firmwareVersion // 'V4.2.3'
 */
export function moduleIdentification(list: SzlList): ModuleIdentification {
  const identification: ModuleIdentification = {};
  for (const record of list.records) {
    if (record.length < 28) continue;
    const index = record.readUInt16BE(0);
    const orderNumber = text(record.subarray(2, 22));
    const ausbg = record.readUInt16BE(24);
    const ausbe = record.readUInt16BE(26);
    if (index === 1 && orderNumber) identification.orderNumber ??= orderNumber;
    if (index === 6) identification.hardwareVersion ??= versionOf(ausbg, ausbe) ?? String(ausbe);
    if (index === 7) {
      const firmware = versionOf(ausbg, ausbe);
      if (firmware) identification.firmwareVersion ??= firmware;
    }
  }
  return identification;
}

/** "V" in the high byte of Ausbg, then major, minor, patch: "V4.2.3". */
function versionOf(ausbg: number, ausbe: number): string | undefined {
  if (ausbg >> 8 !== 0x56) return undefined;
  return `V${ausbg & 0xff}.${ausbe >> 8}.${ausbe & 0xff}`;
}

/** What 0x001C says about the component; every field is text the owner or Siemens wrote. */
export interface ComponentIdentification {
  plcName?: string;
  moduleName?: string;
  plantIdentification?: string;
  copyright?: string;
  serialNumber?: string;
  moduleType?: string;
  location?: string;
}

/** 0x001C record indexes and the field each fills. */
const componentFields: ReadonlyMap<number, keyof ComponentIdentification> = new Map([
  [1, 'plcName'],
  [2, 'moduleName'],
  [3, 'plantIdentification'],
  [4, 'copyright'],
  [5, 'serialNumber'],
  [7, 'moduleType'],
  [11, 'location'],
]);

/**
 * Component identification from 0x001C records (34 bytes: index and 32 characters of text).
 * @example componentIdentification(list).moduleType // 'CPU 1214C DC/DC/DC'
 */
export function componentIdentification(list: SzlList): ComponentIdentification {
  const identification: ComponentIdentification = {};
  for (const record of list.records) {
    if (record.length < 4) continue;
    const field = componentFields.get(record.readUInt16BE(0));
    const value = text(record.subarray(2, 34));
    if (field && value && identification[field] === undefined) identification[field] = value;
  }
  return identification;
}

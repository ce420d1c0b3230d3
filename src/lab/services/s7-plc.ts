/**
 * A simulated Siemens S7 CPU on ISO-on-TCP (102), written from the protocol's public
 * descriptions independently of opennotice's codec (it is the tests' other side). It confirms a
 * COTP connection to the TSAP of its slot (refusing others with a disconnect request), acknowledges Setup Communication, and answers
 * "read SZL" for the module (0x0011) and component (0x001C) identification lists. Any other S7
 * function — read or write variables, start, stop, upload — is what a survey must never send:
 * it is counted (`commandsAfterLogin`) and refused. Hostile variants misbehave on purpose.
 */
import type { Socket } from 'node:net';
import type { LabStatsRecorder } from '../stats.ts';
import { connectionScope, type ConnectionScope } from './connection-scope.ts';

/** What the CPU says about itself. */
export interface S7PlcPersona {
  /** The slot whose TSAP (0x0100 + slot) the CPU accepts: 2 for an S7-300, 1 for an S7-1200. */
  slot: number;
  orderNumber: string;
  hardwareVersion: number;
  /** [major, minor, patch]: written "V" major.minor.patch. */
  firmware: readonly [number, number, number];
  plcName: string;
  moduleName: string;
  moduleType: string;
  serialNumber: string;
  plantIdentification?: string;
  /** `Original Siemens Equipment` on Siemens CPUs. */
  copyright: string;
}

/**
 * - `silent`: accepts and never answers;
 * - `endless`: answers the connection request with a TPKT header and then bytes without end;
 * - `oversized-length`: a TPKT header announcing 65,535 bytes, 16 of them, then silence;
 * - `short-length`: a TPKT header announcing 2 bytes (less than its own header);
 * - `bad-s7-length`: a proper connection confirm, then an S7 reply whose lengths overrun it.
 */
export type S7HostileBehaviour = 'silent' | 'endless' | 'oversized-length' | 'short-length' | 'bad-s7-length';
export const s7HostileBehaviours: readonly S7HostileBehaviour[] = ['silent', 'endless', 'oversized-length', 'short-length', 'bad-s7-length'];

const idleTimeoutMs = 30_000;
const hostileLifetimeMs = 10 * 60_000;
/** A client's frame larger than this is not S7 as any tool speaks it: the CPU hangs up. */
const maxFrameBytes = 4096;
const pduLengthGranted = 240;

/**
 * Serve one connection.
 * @example server.on('connection', (socket) => serveS7Plc(socket, persona, stats))
 */
export function serveS7Plc(socket: Socket, persona: S7PlcPersona, stats: LabStatsRecorder, hostile?: S7HostileBehaviour): void {
  const scope = connectionScope(socket);
  if (hostile) {
    serveHostile(scope, hostile);
    return;
  }
  scope.idle(idleTimeoutMs, () => socket.destroy());
  let buffered = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    scope.touch();
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 4) {
      const length = buffered.readUInt16BE(2);
      if (buffered[0] !== 3 || length < 7 || length > maxFrameBytes) return void socket.destroy();
      if (buffered.length < length) return;
      const frame = buffered.subarray(4, length);
      buffered = buffered.subarray(length);
      if (!answer(scope, frame, persona, stats)) return void socket.destroy();
    }
  });
}

/** Answer one COTP PDU; false when the connection should end. */
function answer(scope: ConnectionScope, cotp: Buffer, persona: S7PlcPersona, stats: LabStatsRecorder): boolean {
  const type = (cotp[1] ?? 0) & 0xf0;
  if (type === 0xe0) {
    const tsap = calledTsap(cotp);
    // A CPU refuses a TSAP that is not its own with a disconnect request (reason 0: not specified), then closes.
    if (tsap !== 0x0100 + persona.slot) {
      scope.finish(frame(Buffer.from([0x06, 0x80, cotp[4]!, cotp[5]!, 0x00, 0x44, 0x00])));
      return true;
    }
    // Confirm: destination reference = the client's source reference, ours 0x0044, class 0, TSAPs echoed.
    const parameters = cotp.subarray(7, cotp[0]! + 1);
    const header = Buffer.concat([Buffer.from([0xd0, cotp[4]!, cotp[5]!, 0x00, 0x44, 0x00]), parameters]);
    scope.write(frame(Buffer.concat([Buffer.from([header.length]), header])));
    return true;
  }
  if (type !== 0xf0) return false;
  const pdu = cotp.subarray(cotp[0]! + 1);
  if (pdu[0] !== 0x32 || pdu.length < 10) return false;
  const kind = pdu[1]!;
  const reference = pdu.readUInt16BE(4);
  const parameterLength = pdu.readUInt16BE(6);
  const parameters = pdu.subarray(10, 10 + parameterLength);
  const data = pdu.subarray(10 + parameterLength);
  if (kind === 0x01 && parameters[0] === 0xf0) {
    const granted = Buffer.from([0xf0, 0x00, 0x00, 0x01, 0x00, 0x01, pduLengthGranted >> 8, pduLengthGranted & 0xff]);
    scope.write(s7Data(ackDataHeader(reference, granted.length, 0), granted));
    return true;
  }
  const readSzl = kind === 0x07 && parameters.length >= 8 && parameters[5] === 0x44 && parameters[6] === 0x01;
  if (!readSzl) {
    // Read/write variables, start, stop, upload, block functions…: never from a survey.
    stats.add('commandsAfterLogin');
    scope.write(s7Data(ackDataHeader(reference, 0, 0x8104), Buffer.alloc(0)));
    return true;
  }
  const szlId = data.length >= 8 ? data.readUInt16BE(4) : 0;
  const records = szlRecords(persona, szlId);
  // Response head: method 0x12, response to CPU functions (0x84), read SZL, same sequence, then the error code (0xD401: no such list).
  const responseParameters = Buffer.from([0x00, 0x01, 0x12, 0x08, 0x12, 0x84, 0x01, parameters[7] ?? 0, 0x00, 0x00, 0x00, 0x00]);
  responseParameters.writeUInt16BE(records ? 0 : 0xd401, 10);
  const body = records ? szlBody(szlId, records) : Buffer.from([0x0a, 0x00, 0x00, 0x00]);
  scope.write(s7Data(userDataHeader(reference, responseParameters.length, body.length), Buffer.concat([responseParameters, body])));
  return true;
}

/** The called TSAP (parameter 0xC2) of a connection request. */
function calledTsap(cotp: Buffer): number | undefined {
  for (let at = 7; at + 1 < cotp[0]! + 1; ) {
    const code = cotp[at]!;
    const length = cotp[at + 1]!;
    if (code === 0xc2 && length === 2) return cotp.readUInt16BE(at + 2);
    at += 2 + length;
  }
  return undefined;
}

function frame(cotp: Buffer): Buffer {
  const header = Buffer.from([3, 0, 0, 0]);
  header.writeUInt16BE(4 + cotp.length, 2);
  return Buffer.concat([header, cotp]);
}

/** An S7 PDU in a last-unit COTP data TPDU. */
function s7Data(header: Buffer, rest: Buffer): Buffer {
  return frame(Buffer.concat([Buffer.from([0x02, 0xf0, 0x80]), header, rest]));
}

function ackDataHeader(reference: number, parameterLength: number, error: number): Buffer {
  const header = Buffer.from([0x32, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  header.writeUInt16BE(reference, 4);
  header.writeUInt16BE(parameterLength, 6);
  header.writeUInt16BE(error, 10);
  return header;
}

function userDataHeader(reference: number, parameterLength: number, dataLength: number): Buffer {
  const header = Buffer.from([0x32, 0x07, 0, 0, 0, 0, 0, 0, 0, 0]);
  header.writeUInt16BE(reference, 4);
  header.writeUInt16BE(parameterLength, 6);
  header.writeUInt16BE(dataLength, 8);
  return header;
}

/** Fixed-width text, space-padded as the CPU stores it. */
function padded(text: string, width: number): Buffer {
  return Buffer.from(text.padEnd(width, ' ').slice(0, width), 'latin1');
}

function record(index: number, ...parts: Buffer[]): Buffer {
  const head = Buffer.alloc(2);
  head.writeUInt16BE(index, 0);
  return Buffer.concat([head, ...parts]);
}

function words(...values: number[]): Buffer {
  const bytes = Buffer.alloc(values.length * 2);
  for (const [at, value] of values.entries()) bytes.writeUInt16BE(value, at * 2);
  return bytes;
}

/** The records of a list this CPU knows, or undefined for any other list. */
function szlRecords(persona: S7PlcPersona, szlId: number): Buffer[] | undefined {
  const [major, minor, patch] = persona.firmware;
  if (szlId === 0x0011) {
    const order = padded(persona.orderNumber, 20);
    return [
      record(1, order, words(0, 0, persona.hardwareVersion)),
      record(6, order, words(0, 0, persona.hardwareVersion)),
      record(7, padded('', 20), words(0, 0x5600 | major, (minor << 8) | patch)),
    ];
  }
  if (szlId === 0x001c) {
    const text = (value: string) => Buffer.concat([Buffer.from(value.slice(0, 32), 'latin1'), Buffer.alloc(32 - Math.min(32, value.length))]);
    return [
      record(1, text(persona.plcName)),
      record(2, text(persona.moduleName)),
      record(3, text(persona.plantIdentification ?? '')),
      record(4, text(persona.copyright)),
      record(5, text(persona.serialNumber)),
      record(7, text(persona.moduleType)),
    ];
  }
  return undefined;
}

/** Return code, transport size, length, then the SZL header (id, index, record length, count) and records. */
function szlBody(szlId: number, records: Buffer[]): Buffer {
  const list = Buffer.concat([words(szlId, 0, records[0]!.length, records.length), ...records]);
  const head = Buffer.from([0xff, 0x09, 0, 0]);
  head.writeUInt16BE(list.length, 2);
  return Buffer.concat([head, list]);
}

function serveHostile(scope: ConnectionScope, behaviour: S7HostileBehaviour): void {
  scope.later(hostileLifetimeMs, () => scope.socket.destroy());
  let started = false;
  scope.socket.on('data', () => {
    if (started) return;
    started = true;
    switch (behaviour) {
      case 'silent':
        return;
      case 'endless':
        scope.write(Buffer.from([3, 0, 0xff, 0xff]));
        return flood(scope);
      case 'oversized-length':
        scope.write(Buffer.concat([Buffer.from([3, 0, 0xff, 0xff]), Buffer.alloc(16, 0x11)]));
        return;
      case 'short-length':
        scope.write(Buffer.from([3, 0, 0, 2, 0xd0, 0x00]));
        return;
      case 'bad-s7-length':
        scope.write(Buffer.from('0300001611d00001004400c1020100c2020102c0010a', 'hex'));
        // The S7 reply to Setup Communication claims 8 + 4000 bytes and carries 8.
        scope.socket.once('data', () => scope.write(Buffer.from('0300001b02f080320300000001000800fa0000f0000001000100f0', 'hex')));
        return;
    }
  });
}

const floodChunk = Buffer.alloc(16 * 1024, 0x5a);

/** Chunks only when the kernel took the last one, until the peer goes. */
function flood(scope: ConnectionScope): void {
  if (scope.closed) return;
  if (scope.write(floodChunk)) scope.later(5, () => flood(scope));
  else scope.socket.once('drain', () => scope.later(5, () => flood(scope)));
}

/**
 * A Modbus/TCP device on 502 (a PLC, a power meter, a serial gateway), written from the Modbus
 * Application Protocol specification and independently of the survey's codec: the lab is the
 * other side of the test. It answers Read Device Identification (43/14) from its persona and
 * every other function with exception 1 (illegal function), counting them: a survey must never
 * send one. Hostile variants misbehave as broken devices do.
 */
import type { Socket } from 'node:net';
import { connectionScope } from './connection-scope.ts';

export type ModbusDeviceBehaviour =
  /** Answers 43/14 on every unit id, one category per answer. */
  | 'normal'
  /** Answers one object per frame with "more follows" set: a client must follow the next object id. */
  | 'one-object-per-frame'
  /** A serial gateway: unit 0 gets exception 11 (target failed to respond), 255 is the gateway itself. */
  | 'gateway'
  /** An old device without function 43: every request gets exception 1. */
  | 'exception-only'
  /** Accepts and never answers. */
  | 'tarpit'
  /** Sends frames forever, each announcing more objects from a next object id that never ends. */
  | 'endless-more-follows'
  /** An MBAP length no PDU can have, then a stream of bytes. */
  | 'oversized-length'
  /** A well-framed answer whose object lengths run past the frame. */
  | 'malformed-objects';

export interface ModbusDevicePersona {
  vendorName: string;
  productCode: string;
  revision: string;
  /** Regular objects: present only on devices declaring conformity level 2. */
  vendorUrl?: string;
  productName?: string;
  modelName?: string;
  behaviour: ModbusDeviceBehaviour;
}

/** What the device saw. */
export interface ModbusDeviceCounters {
  identificationRequests: number;
  /** Any other function (reads of registers, writes): a survey must send none. */
  otherFunctions: number;
}

const streamedBytes = 4096;

/**
 * Serve one connection.
 * @example server.on('connection', (socket) => serveModbusDevice(socket, persona, counters))
 */
export function serveModbusDevice(socket: Socket, persona: ModbusDevicePersona, counters: ModbusDeviceCounters): void {
  const scope = connectionScope(socket);
  scope.later(60_000, () => socket.destroy());
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    // Frames: 6-byte header whose last two bytes count what follows (unit id + PDU).
    while (pending.length >= 6) {
      const following = (pending[4]! << 8) | pending[5]!;
      if (following > 260 || pending.length < 6 + following) {
        if (following > 260) socket.destroy();
        return;
      }
      const frame = pending.subarray(0, 6 + following);
      pending = pending.subarray(6 + following);
      answer(frame);
    }
  });

  function answer(frame: Buffer): void {
    const transaction = frame.subarray(0, 2);
    const unit = frame[6] ?? 0;
    const pdu = frame.subarray(7);
    const reply = (body: Buffer) => {
      const header = Buffer.from([transaction[0]!, transaction[1]!, 0, 0, 0, 0, unit]);
      header[4] = ((body.length + 1) >> 8) & 0xff;
      header[5] = (body.length + 1) & 0xff;
      scope.write(Buffer.concat([header, body]));
    };
    if (pdu[0] !== 0x2b || pdu[1] !== 0x0e) {
      counters.otherFunctions++;
      if (persona.behaviour !== 'tarpit') reply(Buffer.from([(pdu[0] ?? 0) | 0x80, 0x01]));
      return;
    }
    counters.identificationRequests++;
    const category = pdu[2] ?? 1;
    const startAt = pdu[3] ?? 0;
    const body = answerBody(unit, category, startAt);
    if (body === 'stream') streamOversized(transaction, unit);
    else if (body) reply(body);
  }

  /** The PDU the behaviour answers with; undefined for silence, `stream` for the oversized flood. */
  function answerBody(unit: number, category: number, startAt: number): Buffer | 'stream' | undefined {
    const exception = (code: number) => Buffer.from([0xab, code]);
    switch (persona.behaviour) {
      case 'tarpit':
        return undefined;
      case 'exception-only':
        return exception(0x01);
      case 'gateway':
        return unit === 0xff ? identification(category, startAt, false) : exception(0x0b);
      case 'normal':
        return identification(category, startAt, false);
      case 'one-object-per-frame':
        return identification(category, startAt, true);
      case 'endless-more-follows': {
        // Always one more: next object id = the one asked + 1, never reaching the end within a survey's bound.
        const next = Math.min(0xfe, startAt + 1);
        return Buffer.from([0x2b, 0x0e, category, 0x83, 0xff, next, 1, 0x80 + (startAt % 0x7f), 1, 0x41]);
      }
      case 'oversized-length':
        return 'stream';
      case 'malformed-objects':
        // Says 3 objects, the first claims 200 bytes in a frame of 12.
        return Buffer.from([0x2b, 0x0e, category, 0x01, 0x00, 0x00, 0x03, 0x00, 200, 0x41, 0x42, 0x43]);
    }
  }

  function streamOversized(transaction: Buffer, unit: number): void {
    scope.write(Buffer.from([transaction[0]!, transaction[1]!, 0, 0, 0xff, 0xff, unit, 0x2b, 0x0e]));
    const stream = () => {
      if (scope.write(Buffer.alloc(streamedBytes, 0x41))) scope.later(5, stream);
      else socket.once('drain', stream);
    };
    stream();
  }

  function identification(category: number, startAt: number, onePerFrame: boolean): Buffer {
    const regular = persona.productName !== undefined || persona.modelName !== undefined || persona.vendorUrl !== undefined;
    const all: Array<[number, string | undefined]> =
      category === 2
        ? [
            [3, persona.vendorUrl],
            [4, persona.productName],
            [5, persona.modelName],
          ]
        : [
            [0, persona.vendorName],
            [1, persona.productCode],
            [2, persona.revision],
          ];
    const present = all.filter((entry): entry is [number, string] => entry[1] !== undefined && entry[0] >= startAt);
    const sent = onePerFrame ? present.slice(0, 1) : present;
    const last = sent.at(-1)?.[0];
    const more = onePerFrame && present.length > sent.length;
    const objects = sent.flatMap(([id, value]) => [id, Buffer.byteLength(value, 'latin1'), ...Buffer.from(value, 'latin1')]);
    return Buffer.from([
      0x2b,
      0x0e,
      category,
      regular ? 0x02 : 0x01,
      more ? 0xff : 0x00,
      more && last !== undefined ? last + 1 : 0x00,
      sent.length,
      ...objects,
    ]);
  }
}

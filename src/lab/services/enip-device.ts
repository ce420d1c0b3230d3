/**
 * An EtherNet/IP adapter on TCP 44818, written from the ODVA encapsulation layout and
 * independently of the survey's codec: ListIdentity is answered with the persona's Identity
 * item; every other command (RegisterSession, SendRRData, which would carry CIP services) is
 * counted and left unanswered. Hostile variants misbehave as broken devices do.
 */
import type { Socket } from 'node:net';
import { connectionScope } from './connection-scope.ts';

export type EnipDeviceBehaviour =
  | 'normal'
  /** Accepts and never answers. */
  | 'tarpit'
  /** A header announcing 65 535 bytes of data, then bytes forever. */
  | 'endless'
  /** A reply whose product name length runs past the item. */
  | 'malformed-length'
  /** Answers with a header of another command (a NOP): not the ListIdentity reply. */
  | 'wrong-command';

export interface EnipDevicePersona {
  vendorId: number;
  deviceType: number;
  productCode: number;
  revision: [major: number, minor: number];
  serialNumber: number;
  productName: string;
  behaviour: EnipDeviceBehaviour;
}

export interface EnipDeviceCounters {
  listIdentity: number;
  /** Any other encapsulation command: a survey must send none. */
  otherCommands: number;
}

/**
 * Serve one connection.
 * @example server.on('connection', (socket) => serveEnipDevice(socket, persona, counters))
 */
export function serveEnipDevice(socket: Socket, persona: EnipDevicePersona, counters: EnipDeviceCounters): void {
  const scope = connectionScope(socket);
  scope.later(60_000, () => socket.destroy());
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 24) {
      const dataLength = pending.readUInt16LE(2);
      if (pending.length < 24 + dataLength) return;
      const header = pending.subarray(0, 24);
      pending = pending.subarray(24 + dataLength);
      if (header.readUInt16LE(0) !== 0x63) {
        counters.otherCommands++;
        continue;
      }
      counters.listIdentity++;
      respond(header.subarray(12, 20));
    }
  });

  function respond(context: Buffer): void {
    const name = Buffer.from(persona.productName, 'latin1');
    const item = Buffer.alloc(34 + name.length + 1);
    item.writeUInt16LE(1, 0); // encapsulation protocol version
    item.writeUInt16BE(2, 2); // sin_family AF_INET, network order as in a sockaddr
    item.writeUInt16BE(44818, 4);
    const address = (socket.localAddress ?? '0.0.0.0').split('.').map(Number);
    for (const [index, octet] of address.entries()) item[6 + index] = octet & 0xff;
    item.writeUInt16LE(persona.vendorId, 18);
    item.writeUInt16LE(persona.deviceType, 20);
    item.writeUInt16LE(persona.productCode, 22);
    item[24] = persona.revision[0];
    item[25] = persona.revision[1];
    item.writeUInt16LE(0x0030, 26);
    item.writeUInt32LE(persona.serialNumber >>> 0, 28);
    item[32] = persona.behaviour === 'malformed-length' ? 250 : name.length;
    name.copy(item, 33);
    item[33 + name.length] = 3; // operational
    const data = Buffer.concat([Buffer.from([1, 0, 0x0c, 0x00]), Buffer.from([item.length & 0xff, item.length >> 8]), item]);
    const header = Buffer.alloc(24);
    header.writeUInt16LE(persona.behaviour === 'wrong-command' ? 0x0000 : 0x63, 0);
    header.writeUInt16LE(data.length, 2);
    context.copy(header, 12);
    switch (persona.behaviour) {
      case 'tarpit':
        return;
      case 'endless': {
        header.writeUInt16LE(0xffff, 2);
        scope.write(header);
        const stream = () => {
          if (scope.write(Buffer.alloc(4096, 0x5a))) scope.later(5, stream);
          else socket.once('drain', stream);
        };
        stream();
        return;
      }
      default:
        scope.write(Buffer.concat([header, data]));
    }
  }
}

/** Classic pcap files for the flow tests, written by hand so the reader is checked against the format. */

export interface TestPacket {
  timeMs: number;
  source: string;
  destination: string;
  sourcePort: number;
  destinationPort: number;
  /** 6 TCP (a 20-byte header with these flags) or 17 UDP. */
  protocol: 6 | 17;
  payloadBytes: number;
  tcpFlags?: number;
}

/** A classic pcap (microseconds, Ethernet) written field by field, so the reader is checked against the format, not itself. */
export function pcapFile(packets: readonly TestPacket[]): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(1, 20);
  const records = packets.map((packet) => {
    const transport = packet.protocol === 6 ? 20 : 8;
    const ipLength = 20 + transport + packet.payloadBytes;
    const frame = Buffer.alloc(14 + ipLength);
    frame.writeUInt16BE(0x0800, 12);
    frame[14] = 0x45;
    frame.writeUInt16BE(ipLength, 16);
    frame[22] = 64;
    frame[23] = packet.protocol;
    frame.set(packet.source.split('.').map(Number), 26);
    frame.set(packet.destination.split('.').map(Number), 30);
    frame.writeUInt16BE(packet.sourcePort, 34);
    frame.writeUInt16BE(packet.destinationPort, 36);
    if (packet.protocol === 6) {
      frame[46] = 0x50;
      frame[47] = packet.tcpFlags ?? 0;
    } else frame.writeUInt16BE(8 + packet.payloadBytes, 38);
    const record = Buffer.alloc(16);
    record.writeUInt32LE(Math.floor(packet.timeMs / 1000), 0);
    record.writeUInt32LE((packet.timeMs % 1000) * 1000, 4);
    record.writeUInt32LE(frame.length, 8);
    record.writeUInt32LE(frame.length, 12);
    return Buffer.concat([record, frame]);
  });
  return Buffer.concat([header, ...records]);
}

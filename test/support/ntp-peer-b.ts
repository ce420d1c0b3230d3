/**
 * Replies of an NTP server for scripted peers: a mode 6 READVAR answer in fragments, and a
 * mode 7 MON_GETLIST_1 answer as the reference implementation writes it (ntp_request.h:
 * header with the response and "more" bits and a packet sequence, then up to six 72-byte
 * info_monitor_1 items a packet).
 */

/**
 * The READVAR answer to `request` (its sequence echoed), `text` cut in fragments of `size` bytes.
 * @example readVariablesReply(request, 'version="ntpd 4.2.6p5", stratum=2', 16)
 */
export function readVariablesReply(request: Buffer, text: string, size = 468): Buffer[] {
  const data = Buffer.from(text, 'latin1');
  const fragments: Buffer[] = [];
  for (let offset = 0; offset < data.length || offset === 0; offset += size) {
    const piece = data.subarray(offset, offset + size);
    const more = offset + size < data.length;
    const header = Buffer.alloc(12);
    header[0] = (2 << 3) | 6;
    header[1] = 0x80 | (more ? 0x20 : 0) | 2;
    request.copy(header, 2, 2, 4);
    header.writeUInt16BE(0x0615, 4);
    header.writeUInt16BE(offset, 8);
    header.writeUInt16BE(piece.length, 10);
    const padding = Buffer.alloc((4 - (piece.length % 4)) % 4);
    fragments.push(Buffer.concat([header, piece, padding]));
    if (piece.length === 0) break;
  }
  return fragments;
}

/**
 * A monitor list of `entries` clients in packets of six items, the "more" bit on all but the last.
 * @example monlistReply(14).length // 3
 */
export function monlistReply(entries: number): Buffer[] {
  const packets: Buffer[] = [];
  const perPacket = 6;
  const count = Math.max(1, Math.ceil(entries / perPacket));
  for (let sequence = 0; sequence < count; sequence++) {
    const items = Math.min(perPacket, entries - sequence * perPacket);
    const header = Buffer.alloc(8);
    header[0] = 0x80 | (sequence < count - 1 ? 0x40 : 0) | (2 << 3) | 7;
    header[1] = sequence;
    header[2] = 3;
    header[3] = 42;
    header.writeUInt16BE(items & 0x0fff, 4);
    header.writeUInt16BE(72, 6);
    const data = Buffer.alloc(items * 72);
    for (let item = 0; item < items; item++) {
      data.writeUInt32BE(0xc0000200 + sequence * perPacket + item, item * 72 + 16); // a client address (192.0.2.x)
      data.writeUInt32BE(1, item * 72 + 12); // its packet count
    }
    packets.push(Buffer.concat([header, data]));
  }
  return packets;
}

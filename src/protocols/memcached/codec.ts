/**
 * memcached's UDP framing (protocol.txt, "UDP protocol"): every datagram starts with an 8-byte
 * frame header — request id, sequence number, total datagrams in the message, reserved 0 —
 * then a piece of the ordinary text protocol. A reply longer than one datagram is split, and
 * the pieces are put back together by sequence number. Pure functions.
 */

/** A frame header. */
export interface UdpFrame {
  requestId: number;
  sequence: number;
  total: number;
  payload: Buffer;
}

/** Most datagrams a reply may announce: `stats` takes two or three. */
export const maxFrames = 128;

/**
 * The request datagram: a frame header (sequence 0 of 1) and the command line.
 * @example encodeRequest(0x1234, 'stats') // <Buffer 12 34 00 00 00 01 00 00 73 74 61 74 73 0d 0a>
 */
export function encodeRequest(requestId: number, command: string): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt16BE(requestId & 0xffff, 0);
  header.writeUInt16BE(0, 2);
  header.writeUInt16BE(1, 4);
  return Buffer.concat([header, Buffer.from(`${command}\r\n`, 'ascii')]);
}

/**
 * A datagram's frame, or undefined when it is not one (short, reserved not 0, sequence out of range, too many parts).
 * @example decodeFrame(Buffer.from('12340000000100005354415420706964203132330d0a', 'hex'))?.payload.toString() // 'STAT pid 123\r\n'
 */
export function decodeFrame(datagram: Buffer): UdpFrame | undefined {
  if (datagram.length < 8) return undefined;
  const frame = { requestId: datagram.readUInt16BE(0), sequence: datagram.readUInt16BE(2), total: datagram.readUInt16BE(4), payload: datagram.subarray(8) };
  if (datagram.readUInt16BE(6) !== 0 || frame.total === 0 || frame.total > maxFrames || frame.sequence >= frame.total) return undefined;
  return frame;
}

/**
 * The frames of one reply put in order: only frames of `requestId` that agree on the total,
 * each sequence once. `complete` when every part arrived.
 * @example reassemble(frames, 0x1234) // { text: 'STAT pid 1\r\n…END\r\n', frames: [...], complete: true }
 */
export function reassemble(frames: readonly UdpFrame[], requestId: number): { text: string; frames: UdpFrame[]; complete: boolean } {
  const ours = frames.filter((frame) => frame.requestId === requestId);
  const total = ours[0]?.total ?? 0;
  const bySequence = new Map<number, UdpFrame>();
  for (const frame of ours) if (frame.total === total && !bySequence.has(frame.sequence)) bySequence.set(frame.sequence, frame);
  const ordered = [...bySequence.values()].sort((a, b) => a.sequence - b.sequence);
  return {
    text: Buffer.concat(ordered.map((frame) => frame.payload)).toString('latin1'),
    frames: ordered,
    complete: total > 0 && ordered.length === total,
  };
}

/** Most STAT lines read: memcached 1.6 sends about 90. */
const maxStats = 512;

/**
 * The `STAT name value` lines of a stats reply, bounded in count and size.
 * @example parseStats('STAT pid 42\r\nSTAT version 1.6.18\r\nEND\r\n') // { stats: { pid: '42', version: '1.6.18' }, ended: true }
 */
export function parseStats(text: string): { stats: Record<string, string>; ended: boolean } {
  const stats = new Map<string, string>();
  let ended = false;
  let count = 0;
  for (const line of text.split('\r\n')) {
    if (line === 'END') {
      ended = true;
      break;
    }
    const match = /^STAT ([A-Za-z0-9_:.-]{1,64}) ([\x20-\x7e]{0,256})$/.exec(line);
    if (!match || ++count > maxStats) continue;
    if (!stats.has(match[1])) stats.set(match[1], match[2]);
  }
  // fromEntries defines own properties: a name like __proto__ cannot reach the prototype.
  return { stats: Object.fromEntries(stats), ended };
}

/**
 * One S7 connection as the grab uses it: frames in and out over the dialer's connection,
 * each reply read whole (TPKT says how long it is) before the next request goes out.
 */
import type { GrabStatus } from '../../core/records.ts';
import { statusForReadEnd, type Connection } from '../../scope/connection.ts';
import { decodeCotp, decodeS7, decodeTpkt, type CotpPdu, type S7Pdu } from './codec.ts';

/** One reply frame, or why none came (`closed`: the peer hung up before a whole frame). */
export type FrameRead = { cotp: CotpPdu } | { status: GrabStatus; error: string; closed?: true };

/** Reads TPKT frames off a connection, keeping bytes that arrived beyond the frame for the next read. */
export interface FrameReader {
  next(): Promise<FrameRead>;
}

/**
 * @example const reader = frameReader(conn); const reply = await reader.next()
 */
export function frameReader(conn: Connection): FrameReader {
  let pending = Buffer.alloc(0);
  return {
    async next() {
      const settled = (data: Buffer) => decodeTpkt(Buffer.concat([pending, data])).state !== 'incomplete';
      const read = pending.length > 0 && settled(Buffer.alloc(0)) ? { data: Buffer.alloc(0) } : await conn.readUntil(settled);
      const bytes = Buffer.concat([pending, read.data]);
      const frame = decodeTpkt(bytes);
      if (frame.state === 'invalid') return { status: 'protocol-error', error: frame.reason };
      if (frame.state === 'incomplete') {
        const end = 'end' in read ? (read.end ?? 'closed') : 'closed';
        const error = 'error' in read ? read.error : undefined;
        if (end === 'closed') return { status: statusForReadEnd(end), error: 'closed before a whole TPKT frame', closed: true };
        return { status: statusForReadEnd(end), error: error ?? `read ended: ${end}` };
      }
      pending = bytes.subarray(frame.length);
      const cotp = decodeCotp(frame.payload);
      if (!cotp) return { status: 'protocol-error', error: 'COTP header longer than its TPKT frame' };
      return { cotp };
    },
  };
}

/**
 * Send an S7 request and read its S7 reply (a COTP data TPDU carrying a whole S7 PDU).
 * @example const reply = await exchangeS7(conn, reader, encodeSetupCommunication(1))
 */
export async function exchangeS7(conn: Connection, reader: FrameReader, request: Buffer): Promise<{ pdu: S7Pdu } | { status: GrabStatus; error: string }> {
  await conn.write(request);
  const reply = await reader.next();
  if (!('cotp' in reply)) return reply;
  if (reply.cotp.type !== 0xf0) return { status: 'protocol-error', error: `a COTP PDU of type 0x${reply.cotp.type.toString(16)} where S7 data was expected` };
  const decoded = decodeS7(reply.cotp.userData);
  return 'invalid' in decoded ? { status: 'protocol-error', error: decoded.invalid } : decoded;
}

/**
 * The memcached request a sweep sends every target: the grab's `stats` in a UDP frame. A valid
 * UDP frame whose payload starts like a memcached answer (`STAT`, `END`, `ERROR`, …) is the
 * answer (structure only: the grab checks its own request id).
 */
import { randomInt } from 'node:crypto';
import type { ProtocolDetection } from '../protocol.ts';
import { decodeFrame, encodeRequest } from './codec.ts';

const answerStart = /^(STAT |END\r\n|ERROR|CLIENT_ERROR|SERVER_ERROR|VALUE )/;

/**
 * @example memcachedProbe.matches(Buffer.from('00010000000100005354415420706964203132330d0a', 'hex')) // true
 */
export const memcachedProbe: NonNullable<ProtocolDetection['probe']> = {
  request: () => encodeRequest(randomInt(0, 0x10000), 'stats'),
  matches: (reply) => {
    const frame = decodeFrame(reply);
    // Only the first frame of a reply starts with a line; later ones may start anywhere.
    return frame !== undefined && (frame.sequence > 0 || answerStart.test(frame.payload.subarray(0, 16).toString('latin1')));
  },
};

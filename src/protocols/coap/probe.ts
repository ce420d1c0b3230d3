/**
 * The CoAP request a sweep sends every target: the grab's confirmable GET /.well-known/core. Any
 * CoAP message that is not a request (an ACK, a RST, a response code) is the answer (structure
 * only: the grab checks its own message id and token).
 */
import { randomBytes } from 'node:crypto';
import type { ProtocolDetection } from '../protocol.ts';
import { decodeCoap, encodeWellKnownCore } from './codec.ts';

/**
 * @example coapProbe.matches(Buffer.from('60451234', 'hex')) // true: an empty ACK
 */
export const coapProbe: NonNullable<ProtocolDetection['probe']> = {
  request: () => encodeWellKnownCore(randomBytes(2).readUInt16BE(0), randomBytes(4)),
  matches: (reply) => {
    const decoded = decodeCoap(reply);
    // Class 0 with a detail is a request (0.01 GET …); 0.00 is an empty message (an ACK or RST).
    return decoded.ok && !(decoded.message.code.startsWith('0.') && decoded.message.code !== '0.00');
  },
};

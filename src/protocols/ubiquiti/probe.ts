/**
 * The Ubiquiti request a sweep sends every target: the grab's four-byte discovery request. A
 * version 1 reply that decodes is the answer (the request carries no token).
 */
import type { ProtocolDetection } from '../protocol.ts';
import { decodeDiscoveryReply, discoveryRequest } from './codec.ts';

/**
 * @example ubiquitiProbe.matches(Buffer.from('010000090b00064e616e6f4d32', 'hex')) // true
 */
export const ubiquitiProbe: NonNullable<ProtocolDetection['probe']> = {
  request: () => Buffer.from(discoveryRequest),
  matches: (reply) => decodeDiscoveryReply(reply).state === 'complete',
};

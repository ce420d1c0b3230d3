/**
 * The mDNS request a sweep sends every target: the grab's legacy unicast query for the DNS-SD
 * service type list. Any DNS message with QR set that decodes is the answer (structure only: the
 * grab checks its own id).
 */
import { randomBytes } from 'node:crypto';
import type { ProtocolDetection } from '../protocol.ts';
import { decodeDns, encodeServicesQuery } from './codec.ts';

/**
 * @example mdnsProbe.matches(encodeServicesQuery(7)) // false: a query, not a response
 */
export const mdnsProbe: NonNullable<ProtocolDetection['probe']> = {
  request: () => encodeServicesQuery(randomBytes(2).readUInt16BE(0) || 1),
  matches: (reply) => reply.length >= 12 && (reply.readUInt16BE(2) & 0x8000) !== 0 && decodeDns(reply).ok,
};

/**
 * The WS-Discovery request a sweep sends every target: the grab's Probe with a fresh MessageID.
 * A SOAP envelope that carries ProbeMatches is the answer (a cheap byte test, structure only:
 * the grab parses the XML and checks RelatesTo against its own MessageID).
 */
import { randomUUID } from 'node:crypto';
import type { ProtocolDetection } from '../protocol.ts';
import { encodeProbe } from './codec.ts';

/** Enough of a reply to find the envelope and the body's first element. */
const inspectedBytes = 4096;

/**
 * @example wsdProbe.matches(Buffer.from('<s:Envelope …><s:Body><d:ProbeMatches>…')) // true
 */
export const wsdProbe: NonNullable<ProtocolDetection['probe']> = {
  request: () => encodeProbe(`urn:uuid:${randomUUID()}`),
  matches: (reply) => {
    const head = reply.subarray(0, inspectedBytes).toString('latin1');
    return head.includes('Envelope') && /<([\w-]+:)?ProbeMatches[\s>]/.test(head);
  },
};

/**
 * The DNS request a sweep sends every target: the grab's first one — the recursive A query for
 * the operator's check name when one is given, else the non-recursive `version.bind` CH TXT.
 * Any DNS reply (QR set, standard query, readable questions) is the answer, REFUSED included:
 * the service is there (structure only: the grab checks its own id and question).
 */
import { randomInt } from 'node:crypto';
import type { ProtocolDetection } from '../protocol.ts';
import { decodeReply, dnsClasses, dnsTypes, encodeQuery } from './codec.ts';

/**
 * @example dnsProbe.request(target, { resolverCheckName: 'check.example' }) // A check.example, RD set
 */
export const dnsProbe: NonNullable<ProtocolDetection['probe']> = {
  request: (_target, context) =>
    encodeQuery({
      id: randomInt(0, 0x10000),
      question: context?.resolverCheckName
        ? { name: context.resolverCheckName, type: dnsTypes.A, class: dnsClasses.IN }
        : { name: 'version.bind', type: dnsTypes.TXT, class: dnsClasses.CH },
      recursionDesired: context?.resolverCheckName !== undefined,
    }),
  matches: (reply) => decodeReply(reply).state === 'complete',
};

/**
 * The reflection figures of one UDP exchange, for the protocols a reflection attack can abuse.
 * A protocol passes only the replies that parsed as its answer to the request (the token, id or
 * transaction matched), so garbage, floods of other data and replies to someone else's request
 * never make a service a reflector.
 */
import type { DatagramReply } from '../scope/datagram.ts';
import type { ReflectionMeasure } from '../core/records.ts';

/**
 * How a result field holding a ReflectionMeasure is declared to identification (protocol `fields`).
 * @example fields: { server: 'text', reflection: reflectionFields }
 */
export const reflectionFields = { request: 'text', requestBytes: 'number', replyBytes: 'number', replyPackets: 'number' } as const;

/**
 * The measure of `request` (named as reports name it) from the replies that answered it.
 * @example reflectionOf('monlist', requestBytes, exchange.replies.filter(isMonlistReply))
 */
export function reflectionOf(request: string, requestBytes: number, answers: readonly DatagramReply[]): ReflectionMeasure {
  return {
    request,
    requestBytes,
    replyBytes: answers.reduce((sum, reply) => sum + reply.size, 0),
    replyPackets: answers.length,
  };
}

/**
 * The bandwidth amplification factor, rounded to two decimals; 0 for a request of no bytes.
 * @example amplificationFactor({ request: 'stats', requestBytes: 15, replyBytes: 1500, replyPackets: 1 }) // 100
 */
export function amplificationFactor(measure: ReflectionMeasure): number {
  if (measure.requestBytes <= 0) return 0;
  return Math.round((measure.replyBytes / measure.requestBytes) * 100) / 100;
}

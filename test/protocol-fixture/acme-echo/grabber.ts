import { randomBytes } from 'node:crypto';
import type { ReflectionMeasure, Target } from '../../../src/core/records.ts';
import type { GrabContext, GrabOutcome } from '../../../src/protocols/grab.ts';
import { reflectionOf } from '../../../src/protocols/udp-reflection.ts';
import { decodeAcmeEchoReply, encodeAcmeEchoRequest } from './codec.ts';

export type AcmeEchoResult = {
  model: string;
  firmware: string;
  /** The device answers anyone without a login. */
  open: boolean;
  /** Replies that were the answer to our request. */
  answers: number;
  reflection: ReflectionMeasure;
};

/** One request with a fresh token; only replies echoing it count, for the result and for the measure. */
export async function grabAcmeEcho(ctx: GrabContext, target: Target): Promise<GrabOutcome<AcmeEchoResult>> {
  const token = randomBytes(4).toString('hex');
  const request = encodeAcmeEchoRequest(token);
  const exchange = await ctx.query(target, request, { limits: { maxReplies: 8 } });
  const answers = exchange.replies.filter((reply) => decodeAcmeEchoReply(reply.data, token) !== undefined);
  const first = answers[0] && decodeAcmeEchoReply(answers[0].data, token);
  if (!first) {
    if (exchange.replies.length === 0) return { status: exchange.status, result: {}, ...(exchange.error ? { error: exchange.error } : {}) };
    return { status: 'protocol-error', result: {}, error: `${exchange.replies.length} replies, none an ACME echo of our token` };
  }
  return {
    status: 'success',
    result: {
      model: first.model,
      firmware: first.firmware,
      open: first.open,
      answers: answers.length,
      reflection: reflectionOf('status', request.length, answers),
    },
  };
}

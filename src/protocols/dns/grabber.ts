import { randomInt } from 'node:crypto';
import type { GrabStatus, ReflectionMeasure, Target } from '../../core/records.ts';
import type { DatagramExchange, DatagramReply } from '../../scope/datagram.ts';
import type { GrabContext, GrabOutcome } from '../grab.ts';
import { reflectionOf } from '../udp-reflection.ts';
import { answersQuestion, type DnsQuestion, type DnsReply, decodeReply, dnsClasses, dnsTypes, encodeQuery, rcodeName, txtText } from './codec.ts';

/** What a DNS grab records. */
export type DnsResult = {
  /** RA of the reply to the recursive question (or to version.bind when none was asked). */
  recursionAvailable: boolean;
  /** The server resolved the operator's check name for us: RA set, NOERROR, an answer for the name. */
  openResolver: boolean;
  /** The reply code of that same reply: NOERROR, REFUSED, SERVFAIL … */
  rcode: string;
  /** version.bind CH TXT, when the server tells it. */
  version?: string;
  /** The recursive question's figures, only when the server resolved it (an open resolver). */
  reflection?: ReflectionMeasure;
};

interface Asked {
  exchange: DatagramExchange;
  requestBytes: number;
  answers: Array<{ reply: DatagramReply; dns: DnsReply }>;
  reason?: string;
}

/**
 * With `ctx.resolverCheckName` (a name the operator controls): one recursive A query for it,
 * RD set and a random id, which tells an open resolver. Then, if the server answered anything,
 * one non-recursive `version.bind` CH TXT to identify it (many servers refuse it). Without the
 * check name only version.bind is asked: no recursion is ever requested for a name we do not own.
 * @example const { result } = await grabDns({ ...ctx, resolverCheckName: 'check.example' }, target) // result.openResolver
 */
export async function grabDns(ctx: GrabContext, target: Target): Promise<GrabOutcome<DnsResult>> {
  const checkName = ctx.resolverCheckName;
  const recursive = checkName ? await ask(ctx, target, { name: checkName, type: dnsTypes.A, class: dnsClasses.IN }, true) : undefined;
  if (recursive && recursive.exchange.replies.length === 0) return noAnswer(recursive);
  const version = await ask(ctx, target, { name: 'version.bind', type: dnsTypes.TXT, class: dnsClasses.CH }, false);
  const recursiveReply = recursive?.answers[0]?.dns;
  const versionReply = version.answers[0]?.dns;
  const first = recursiveReply ?? versionReply;
  if (!first) {
    const replied = (recursive?.exchange.replies.length ?? 0) + version.exchange.replies.length > 0;
    if (replied) return { status: 'protocol-error', result: {}, error: recursive?.reason ?? version.reason ?? 'no DNS reply' };
    return noAnswer(version);
  }
  const versionText = versionReply && versionReply.rcode === 0 ? versionOf(versionReply) : undefined;
  const name = (checkName ?? '').toLowerCase().replace(/\.$/, '');
  const resolved = recursiveReply?.answers.some((record) => record.name === name && (record.type === dnsTypes.A || record.type === dnsTypes.CNAME)) === true;
  const openResolver = resolved && first.recursionAvailable && first.rcode === 0;
  return {
    status: 'success',
    result: {
      recursionAvailable: first.recursionAvailable,
      openResolver,
      rcode: rcodeName(first.rcode),
      ...(versionText ? { version: versionText } : {}),
      // Only a resolved recursive question is measured: it is what an open resolver reflects; a
      // refusal is no bigger than the question.
      ...(recursive && openResolver && checkName
        ? {
            reflection: reflectionOf(
              `A ${checkName}`,
              recursive.requestBytes,
              recursive.answers.map((answer) => answer.reply),
            ),
          }
        : {}),
    },
  };
}

async function ask(ctx: GrabContext, target: Target, question: DnsQuestion, recursionDesired: boolean): Promise<Asked> {
  const id = randomInt(0, 0x10000);
  const request = encodeQuery({ id, question, recursionDesired });
  const exchange = await ctx.query(target, request, { limits: { maxReplies: 1 } });
  const asked: Asked = { exchange, requestBytes: request.length, answers: [] };
  for (const reply of exchange.replies) {
    const decoded = decodeReply(reply.data);
    if (decoded.state === 'invalid') asked.reason = decoded.reason;
    else if (!answersQuestion(decoded.reply, id, question)) asked.reason = `a reply with id ${decoded.reply.id} or another question`;
    else asked.answers.push({ reply, dns: decoded.reply });
  }
  return asked;
}

function versionOf(reply: DnsReply): string | undefined {
  const record = reply.answers.find((answer) => answer.type === dnsTypes.TXT);
  const text = record ? txtText(record.data) : '';
  return text === '' ? undefined : text;
}

function noAnswer(asked: Asked): GrabOutcome<DnsResult> {
  const status: GrabStatus = asked.exchange.status;
  return { status, result: {}, ...(asked.exchange.error ? { error: asked.exchange.error } : {}) };
}

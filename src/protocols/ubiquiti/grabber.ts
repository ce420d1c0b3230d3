import type { ReflectionMeasure, Target } from '../../core/records.ts';
import type { DatagramReply } from '../../scope/datagram.ts';
import type { GrabContext, GrabOutcome } from '../grab.ts';
import { reflectionOf } from '../udp-reflection.ts';
import { type DiscoveryReply, decodeDiscoveryReply, discoveryRequest } from './codec.ts';

/** What a Ubiquiti discovery grab records. */
export type UbiquitiResult = {
  mac?: string;
  /** The first IPv4 address the device reports. */
  ip?: string;
  /** Every IPv4 address it reports (list: not matchable). */
  addresses?: string[];
  firmware?: string;
  hostname?: string;
  modelShort?: string;
  modelFull?: string;
  essid?: string;
  uptime?: number;
  wirelessMode?: number;
  reflection?: ReflectionMeasure;
};

/**
 * The four-byte version 1 discovery request, the one the vendor's own tools broadcast; the
 * device describes itself (MAC and addresses, firmware, host name, model, ESSID). It changes
 * nothing on the device. Replies that parse as version 1 replies count; the first one is read.
 * @example const { result } = await grabUbiquiti(ctx, { ip: '192.0.2.1', port: 10001 }) // result.modelShort === 'N2N'
 */
export async function grabUbiquiti(ctx: GrabContext, target: Target): Promise<GrabOutcome<UbiquitiResult>> {
  const exchange = await ctx.query(target, discoveryRequest, { limits: { maxReplies: 4, quietMs: 300 } });
  const answers: Array<{ reply: DatagramReply; discovery: DiscoveryReply }> = [];
  let reason: string | undefined;
  for (const reply of exchange.replies) {
    const decoded = decodeDiscoveryReply(reply.data);
    if (decoded.state === 'complete' && decoded.reply.fields > 0) answers.push({ reply, discovery: decoded.reply });
    else reason = decoded.state === 'invalid' ? decoded.reason : 'a reply without fields';
  }
  const first = answers[0]?.discovery;
  if (!first) {
    if (exchange.replies.length > 0) return { status: 'protocol-error', result: {}, error: reason ?? 'no discovery reply' };
    return { status: exchange.status, result: {}, ...(exchange.error ? { error: exchange.error } : {}) };
  }
  const { addresses, fields: _fields, ...facts } = first;
  return {
    status: 'success',
    result: {
      ...facts,
      ...(addresses.length > 0 ? { ip: addresses[0], addresses } : {}),
      reflection: reflectionOf(
        'discovery v1',
        discoveryRequest.length,
        answers.map((answer) => answer.reply),
      ),
    },
  };
}

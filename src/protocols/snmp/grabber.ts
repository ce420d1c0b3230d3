import { randomInt } from 'node:crypto';
import type { ReflectionMeasure, Target } from '../../core/records.ts';
import type { DatagramReply } from '../../scope/datagram.ts';
import type { GrabContext, GrabOutcome } from '../grab.ts';
import { reflectionOf } from '../udp-reflection.ts';
import { decodeResponse, encodeGetRequest, type SnmpResponse, type SnmpVersion, snmpVersions, systemOids, valueText } from './codec.ts';

/** The community a survey reads with: the well-known default, nothing else. */
export const surveyCommunity = 'public';

/**
 * What an SNMP grab records. A Response at all means the agent accepted the community (an agent
 * drops requests with a community it does not know), which is the finding.
 */
export type SnmpResult = {
  /** The version that was answered: v2c is asked first, v1 only when v2c got no answer. */
  version: SnmpVersion;
  /** The community the agent answered. */
  community: string;
  sysDescr?: string;
  sysObjectId?: string;
  /** Hundredths of a second since the agent started. */
  sysUpTime?: number;
  sysName?: string;
  /** Non-zero when the agent answered with an error (a v1 agent's noSuchName …). */
  errorStatus?: number;
  reflection?: ReflectionMeasure;
};

const askedOids = [systemOids.sysDescr, systemOids.sysObjectId, systemOids.sysUpTime, systemOids.sysName];

/**
 * One GetRequest with community `public` for sysDescr.0, sysObjectID.0, sysUpTime.0 and
 * sysName.0: SNMPv2c first (what current agents speak); only when it gets no answer at all, the
 * same in SNMPv1 (old agents drop v2c silently). A refused port or an answer ends the grab.
 * Only a Response echoing our random request-id counts. Nothing is ever set or walked.
 * @example const { result } = await grabSnmp(ctx, { ip: '192.0.2.1', port: 161 }) // result.sysDescr
 */
export async function grabSnmp(ctx: GrabContext, target: Target): Promise<GrabOutcome<SnmpResult>> {
  const v2c = await ask(ctx, target, 'v2c');
  if (v2c.status !== 'io-timeout') return v2c;
  const v1 = await ask(ctx, target, 'v1');
  return v1.status === 'io-timeout' ? { ...v1, error: 'no answer to SNMPv2c or SNMPv1 with community public' } : v1;
}

async function ask(ctx: GrabContext, target: Target, version: SnmpVersion): Promise<GrabOutcome<SnmpResult>> {
  const requestId = randomInt(1, 0x7fffffff);
  const request = encodeGetRequest({ version, community: surveyCommunity, requestId, oids: askedOids });
  const exchange = await ctx.query(target, request, { limits: { maxReplies: 1 } });
  const answers: Array<{ reply: DatagramReply; response: SnmpResponse }> = [];
  let reason: string | undefined;
  for (const reply of exchange.replies) {
    const decoded = decodeResponse(reply.data);
    if (decoded.state === 'invalid') reason = decoded.reason;
    else if (decoded.response.requestId !== requestId) reason = `request-id ${decoded.response.requestId}, not ours`;
    else if (decoded.response.version !== snmpVersions[version]) reason = `a version ${decoded.response.version} answer to a ${version} request`;
    else answers.push({ reply, response: decoded.response });
  }
  const first = answers[0];
  if (!first) {
    if (exchange.replies.length > 0) return { status: 'protocol-error', result: {}, error: reason ?? 'no SNMP Response' };
    return { status: exchange.status, result: {}, ...(exchange.error ? { error: exchange.error } : {}) };
  }
  return {
    status: 'success',
    result: {
      version,
      community: first.response.community,
      ...systemFields(first.response),
      reflection: reflectionOf(
        `GetRequest ${version} system`,
        request.length,
        answers.map((answer) => answer.reply),
      ),
    },
  };
}

function systemFields(response: SnmpResponse): Partial<SnmpResult> {
  const fields: Partial<SnmpResult> = {};
  if (response.errorStatus !== 0) fields.errorStatus = response.errorStatus;
  for (const { oid, value } of response.varbinds) {
    const text = valueText(value);
    if (text === undefined || text === '') continue;
    if (oid === systemOids.sysDescr) fields.sysDescr = text;
    else if (oid === systemOids.sysObjectId && value.type === 'oid') fields.sysObjectId = text;
    else if (oid === systemOids.sysUpTime && value.type === 'ticks') fields.sysUpTime = value.value;
    else if (oid === systemOids.sysName) fields.sysName = text;
  }
  return fields;
}

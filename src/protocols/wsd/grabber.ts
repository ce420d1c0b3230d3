import { randomUUID } from 'node:crypto';
import type { ReflectionMeasure, Target } from '../../core/records.ts';
import type { DatagramReply } from '../../scope/datagram.ts';
import type { GrabContext, GrabOutcome } from '../grab.ts';
import { reflectionOf } from '../udp-reflection.ts';
import { encodeProbe, onvifHints, type ProbeMatch, readProbeMatches, withoutUnitIds, wsdRequestName } from './codec.ts';

/** What a WS-Discovery grab records of the ProbeMatches that answered its Probe. */
export type WsdResult = {
  /** Types of the target services, e.g. "dn:NetworkVideoTransmitter", "tds:Device", "wsdp:Device". */
  types: string[];
  /** Scopes, without MAC and serial-number scopes. */
  scopes: string[];
  /** The scopes as one space-separated text, for rules to match. */
  scopeText?: string;
  /** Transport addresses of the services' metadata (never contacted by the survey). */
  xaddrs: string[];
  /** EndpointReference address of the first match, "urn:uuid:…". */
  endpoint?: string;
  metadataVersion?: number;
  /** From onvif://www.onvif.org/hardware/…: the model. */
  hardware?: string;
  /** From onvif://www.onvif.org/name/…: product or vendor name. */
  onvifName?: string;
  /** From onvif://www.onvif.org/Profile/…: ONVIF profiles claimed. */
  profiles: string[];
  reflection?: ReflectionMeasure;
};

const maxDistinct = 32;
const maxScopeTextChars = 2048;

/**
 * One Probe with a fresh urn:uuid MessageID; only ProbeMatches whose RelatesTo is that id count.
 * Never throws for network trouble.
 * @example const outcome = await grabWsd(ctx, { ip: '192.0.2.1', port: 3702 }) // outcome.result.hardware
 */
export async function grabWsd(ctx: GrabContext, target: Target): Promise<GrabOutcome<WsdResult>> {
  const messageId = `urn:uuid:${randomUUID()}`;
  const request = encodeProbe(messageId);
  // Devices answer after a random delay of up to APP_MAX_DELAY (500 ms), some twice (SOAP-over-UDP repeats).
  const exchange = await ctx.query(target, request, { limits: { maxReplies: 4, quietMs: 800 } });
  const valid: DatagramReply[] = [];
  const matches: ProbeMatch[] = [];
  let firstReason: string | undefined;
  for (const reply of exchange.replies) {
    const read = readProbeMatches(reply.data, messageId);
    if (!read.ok) firstReason ??= read.reason;
    else {
      valid.push(reply);
      matches.push(...read.matches);
    }
  }
  if (valid.length === 0) {
    if (exchange.replies.length > 0)
      return { status: 'protocol-error', result: {}, error: `no ProbeMatches among ${exchange.replies.length} replies: ${firstReason}` };
    return { status: exchange.status, result: {}, ...(exchange.error ? { error: exchange.error } : {}) };
  }
  return { status: 'success', result: { ...describeMatches(matches), reflection: reflectionOf(wsdRequestName, request.length, valid) } };
}

/**
 * What the matches say, merged (a device may answer for several services).
 * @example describeMatches(matches).hardware // 'DS-2CD2142FWD-I'
 */
export function describeMatches(matches: readonly ProbeMatch[]): Omit<WsdResult, 'reflection'> {
  const distinct = (values: string[]) => [...new Set(values)].slice(0, maxDistinct);
  const scopes = distinct(withoutUnitIds(matches.flatMap((match) => match.scopes)));
  const hints = onvifHints(scopes);
  const first = matches[0];
  return {
    types: distinct(matches.flatMap((match) => match.types)),
    scopes,
    ...(scopes.length > 0 ? { scopeText: scopes.join(' ').slice(0, maxScopeTextChars) } : {}),
    xaddrs: distinct(matches.flatMap((match) => match.xaddrs)),
    ...(first?.endpoint ? { endpoint: first.endpoint } : {}),
    ...(first?.metadataVersion === undefined ? {} : { metadataVersion: first.metadataVersion }),
    ...(hints.hardware ? { hardware: hints.hardware } : {}),
    ...(hints.name ? { onvifName: hints.name } : {}),
    profiles: distinct(hints.profiles),
  };
}

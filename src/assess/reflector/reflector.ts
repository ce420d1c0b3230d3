/**
 * Reflector findings: a UDP service whose protocol declares `reflection` and whose grab
 * measured a reply larger than the request is a DDoS reflector (an amplifier). Pure: the
 * observation and the protocol's own reading of its result in, a finding out.
 *
 * The threshold is replyBytes > requestBytes, a bandwidth amplification factor above 1
 * (Rossow, "Amplification Hell", NDSS 2014): from there on, every spoofed request makes the
 * service send the victim more than the attacker spent. A service that answers with as much
 * as it was sent, or less, reflects but amplifies nothing; it is not reported, because the
 * attacker would gain no bandwidth from it that a direct flood would not give.
 */
import type { Finding, GrabResult, ReflectionMeasure, ReflectorEvidence, ServiceObservation } from '../../core/records.ts';
import { amplificationFactor } from '../../protocols/udp-reflection.ts';

/** Facts kept from a result beside the measure: enough to name the service, not a copy of it. */
export const reflectorFactLimits = { count: 12, chars: 256 } as const;

/** What the protocol reads back from its own result: the measure, or undefined when there is none. */
export type ReadReflection = (result: Partial<GrabResult>) => ReflectionMeasure | undefined;

export interface ReflectionVerdict {
  /** Present when the service amplifies. */
  finding?: Finding;
  /**
   * The check ran to a conclusion: the service answered (as its protocol or not), so an open
   * reflector finding it does not reproduce is closed. A timeout proves nothing.
   */
  concluded: boolean;
}

/** Statuses after which the service has answered and the absence of a measure means something. */
const answeredStatuses = new Set<ServiceObservation['status']>(['success', 'protocol-error']);

/**
 * The reflector verdict on one UDP observation.
 * @example
 * const { finding, concluded } = assessReflection(observation, protocols.byName(observation.protocol)?.reflection)
 * if (finding) findings.push(finding) // evidence: { request, requestBytes, replyBytes, replyPackets, amplification, facts }
 */
export function assessReflection(observation: ServiceObservation, reflection: ReadReflection | undefined): ReflectionVerdict {
  if (!reflection) return { concluded: false };
  const measure = reflection(observation.result);
  if (measure && amplifies(measure)) {
    const evidence: ReflectorEvidence = { ...measureOnly(measure), amplification: amplificationFactor(measure), facts: factsOf(observation.result) };
    return {
      finding: {
        kind: 'reflector',
        ip: observation.ip,
        port: observation.port,
        protocol: observation.protocol,
        evidence: { ...evidence },
        observedAt: observation.observedAt,
      },
      concluded: true,
    };
  }
  return { concluded: answeredStatuses.has(observation.status) };
}

/**
 * Whether a measure is an amplification: more reply bytes than request bytes.
 * @example amplifies({ request: 'stats', requestBytes: 15, replyBytes: 15, replyPackets: 1 }) // false
 */
export function amplifies(measure: ReflectionMeasure): boolean {
  return measure.requestBytes > 0 && measure.replyBytes > measure.requestBytes;
}

/**
 * The text and number fields of a grab result, at most 12, each text cut to 256 characters.
 * @example factsOf({ server: 'Linux UPnP/1.0', replies: 3, headers: {} }) // { server: 'Linux UPnP/1.0', replies: 3 }
 */
export function factsOf(result: GrabResult): Record<string, string | number> {
  const facts: Record<string, string | number> = {};
  let count = 0;
  for (const [field, value] of Object.entries(result)) {
    if (count >= reflectorFactLimits.count) break;
    if (typeof value === 'string') facts[field] = value.slice(0, reflectorFactLimits.chars);
    else if (typeof value === 'number' && Number.isFinite(value)) facts[field] = value;
    else continue;
    count++;
  }
  return facts;
}

/** The four figures alone, whatever else a protocol's measure object carries. */
function measureOnly(measure: ReflectionMeasure): ReflectionMeasure {
  return { request: measure.request, requestBytes: measure.requestBytes, replyBytes: measure.replyBytes, replyPackets: measure.replyPackets };
}

/**
 * What the policy decides about UDP: which UDP ports a survey queries (the request's, else the
 * plan's, else every UDP protocol's default ports; each must have a UDP protocol, or there is no
 * request to send), that a plan's udpPorts bound the request's, how often silence is retried, and
 * the marker a run records so that a resumed run queries UDP again.
 */
import { OpenNoticeError } from '../core/errors.ts';
import type { ProtocolRegistry } from '../protocols/registry.ts';
import { checkName, type SurveyPlan } from '../scope/plan.ts';

/** UDP retries when neither the request nor the plan says: one, as ZMap's and Nmap's UDP scans suggest for lossy paths. */
export const defaultUdpRetries = 1;

/** A service that stays silent after this many retries is open|filtered; more would only add load. */
export const udpRetriesCeiling = 3;

/** Recorded with a run's checks when it surveyed UDP ports, so a resumed run surveys them too. */
export const udpCheckMarker = 'udp';

/**
 * The request's UDP ports, else the plan's, else the registry's defaults; each must have a UDP protocol to send.
 * @example resolveUdpPorts(undefined, plan, shippedProtocols) // plan.udpPorts ?? shippedProtocols.defaultUdpPorts
 */
export function resolveUdpPorts(requested: readonly number[] | undefined, plan: SurveyPlan | undefined, protocols: ProtocolRegistry): number[] {
  const ports = requested ?? plan?.udpPorts ?? protocols.defaultUdpPorts;
  for (const port of ports) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new OpenNoticeError('USAGE', `"${port}" is not a UDP port number`);
    if (!protocols.forUdpPort(port)) {
      const known = protocols.protocols
        .filter((protocol) => protocol.transport === 'udp')
        .map((protocol) => `${protocol.name} ${[...protocol.defaultPorts, ...protocol.otherPorts].join('/')}`);
      throw new OpenNoticeError(
        'USAGE',
        `UDP port ${port}: no UDP protocol declares it, so there is no request to send (UDP protocols: ${known.join(', ') || 'none'})`,
      );
    }
  }
  return [...new Set(ports)];
}

/**
 * A plan that lists udpPorts allows no other: naming one is an error, not a silent narrowing.
 * @example assertUdpPortsApproved([161], plan) // throws PLAN_INVALID when plan.udpPorts is [] or lacks 161
 */
export function assertUdpPortsApproved(requested: readonly number[] | undefined, plan: SurveyPlan): void {
  const outside = plan.udpPorts ? (requested ?? []).filter((port) => !plan.udpPorts!.includes(port)) : [];
  if (outside.length > 0) {
    throw new OpenNoticeError('PLAN_INVALID', `--udp-ports ${outside.join(',')} not in the plan's udpPorts (${plan.udpPorts!.join(',') || 'none'})`, {
      file: plan.file,
    });
  }
}

/**
 * The name the open-resolver check asks for: the request's (loopback surveys have no plan), else the
 * plan's; under a plan the request may only repeat the plan's, because asking a recursive question
 * about another name is a check the approval did not cover.
 * @example resolverCheckNameOf('check.example', undefined) // { resolverCheckName: 'check.example' }
 */
export function resolverCheckNameOf(requested: string | undefined, plan: SurveyPlan | undefined): { resolverCheckName?: string } {
  if (requested === undefined) return plan?.resolverCheckName ? { resolverCheckName: plan.resolverCheckName } : {};
  const name = checkName(requested);
  if (name === undefined) throw new OpenNoticeError('USAGE', `--resolver-check-name: "${requested}" is not a DNS name`);
  if (plan && plan.resolverCheckName !== name) {
    throw new OpenNoticeError('PLAN_INVALID', `--resolver-check-name ${name} is not the plan's resolverCheckName (${plan.resolverCheckName ?? 'none'})`, {
      file: plan.file,
    });
  }
  return { resolverCheckName: name };
}

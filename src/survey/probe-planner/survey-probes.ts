/**
 * A planned survey round's probes: the planner run over the store's facts and the survey's
 * settings — the addresses and ports a full sweep would dial, and the scope (with the
 * approved opt-outs) as the test of which addresses may be dialed at all. Planned before the
 * run is started, so the round being planned is not among the rounds the planner learns from.
 */
import { OpenNoticeError } from '../../core/errors.ts';
import type { ProtocolRegistry } from '../../protocols/registry.ts';
import type { SurveySettings } from '../policy.ts';
import { loadProbeFacts, type ProbeFactsStore } from './facts.ts';
import { planProbes, type ProbePlan, type ProbeSpace } from './plan.ts';

/**
 * The probe plan of a survey whose settings' discovery is 'planned'.
 * @example const plan = await planSurveyProbes(store, settings, shippedProtocols); plan.probes.length
 */
export async function planSurveyProbes(store: ProbeFactsStore, settings: SurveySettings, protocols: Pick<ProtocolRegistry, 'byName'>): Promise<ProbePlan> {
  if (settings.discovery.kind !== 'planned') throw new OpenNoticeError('INTERNAL', 'probes planned for a survey whose discovery is not planned');
  const facts = await loadProbeFacts(store, protocols);
  const addresses = settings.addresses.addresses;
  const listed = settings.discovery.fromHitList ? new Set(Array.from({ length: addresses.size }, (_, index) => addresses.addressAt(index))) : undefined;
  const space: ProbeSpace = {
    addresses,
    ports: settings.ports,
    includes: (ip) => settings.scope.allows(ip) && (listed?.has(ip) ?? true),
  };
  return planProbes(facts, space, {
    budget: settings.discovery.budget,
    seed: settings.seed,
    ...(settings.discovery.explorationShare === undefined ? {} : { explorationShare: settings.discovery.explorationShare }),
  });
}

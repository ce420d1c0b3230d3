/**
 * Which destinations are never scored, whichever input the detector reads: a known bot (flows
 * to it are scans of it, or replies), a popular destination on the allowlist, and an address
 * inside the operator's own networks. Asked once per distinct destination, then remembered.
 */
import type { Allowlist } from './allowlist.ts';
import type { OwnNetworks } from './own-networks.ts';

export type ExcludedBecause = 'known-bot' | 'allowlisted' | 'own-network';

export interface DestinationFilterRequest {
  knownBots: ReadonlySet<string>;
  allowlist: Allowlist;
  /** Absent: every destination counts as external. */
  ownNetworks?: OwnNetworks;
}

/**
 * @example createDestinationFilter({ knownBots, allowlist: loadAllowlist() })('8.8.8.8') // 'allowlisted'
 */
export function createDestinationFilter(request: DestinationFilterRequest): (destination: string) => ExcludedBecause | undefined {
  const decided = new Map<string, ExcludedBecause | 'kept'>();
  return (destination) => {
    if (request.knownBots.has(destination)) return 'known-bot';
    let verdict = decided.get(destination);
    if (verdict === undefined) {
      if (request.allowlist.match(destination) !== undefined) verdict = 'allowlisted';
      else if (request.ownNetworks?.contains(destination)) verdict = 'own-network';
      else verdict = 'kept';
      decided.set(destination, verdict);
    }
    return verdict === 'kept' ? undefined : verdict;
  };
}

/**
 * An approved C&C endpoint in a store, as the operator's `cnc approve` leaves it: a detected
 * candidate, then the decision. For the gateway's tests (policy API and end to end).
 */
import type { CncCandidateStore } from '../../src/store/roles/cnc-candidates.ts';

/**
 * @example await approveIndicator(store, '198.19.165.66', 4444, '2026-12-01T00:00:00.000Z')
 */
export async function approveIndicator(store: CncCandidateStore, endpoint: string, port: number, at: string): Promise<void> {
  await store.saveCncCandidates(
    [
      {
        endpointKind: 'ip',
        endpoint,
        port,
        protocol: 6,
        botsContacting: 9,
        benignContacting: 0,
        fanIn: 9,
        firstSeen: at,
        lastSeen: at,
        feedsMatched: [],
        confidence: 0.9,
        evidence: 'test: contacted by known bots only.',
      },
    ],
    at,
  );
  const candidate = (await store.listCncCandidates({ status: 'pending' })).find((row) => row.endpoint === endpoint && row.port === port);
  if (!candidate) throw new Error(`the candidate ${endpoint}:${port} was not stored`);
  await store.decideCncCandidate(candidate.id, { status: 'approved', at, by: 'test operator' });
}

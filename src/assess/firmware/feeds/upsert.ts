/**
 * Storing feed records. Each feed's copy of a CVE is kept as the feed gave it; the merged
 * record the matcher reads is recomputed here (merge.ts) for every CVE whose copies changed.
 * These decisions live in assess/, not in the store, so every store implementation keeps the
 * same records: the store only reads the stored copies and writes what this decides, in one
 * transaction (VulnerabilityStore.updateVulnerabilities).
 */
import type { UpsertCounts, VulnerabilityStore, VulnerabilityWrites } from '../../../store/roles/vulnerabilities.ts';
import type { FeedSource, VulnerabilityRecord } from '../types.ts';
import { isOlder, mergeSourceRecords } from './merge.ts';

/** What a batch of feed records changes, and the counts to report. */
export interface VulnerabilityUpsertPlan {
  writes: VulnerabilityWrites;
  counts: UpsertCounts;
}

/**
 * Decide what a batch of feed records changes, given the copies stored for its CVEs. Records
 * are taken in order. A copy identical to its feed's current one, or older than it
 * (lastModified, compared as instants), changes nothing and counts as unchanged: an old feed
 * file imported late must not undo a newer one. Any other copy replaces its feed's copy, and
 * its CVE's merged record is recomputed from all of that CVE's copies — counted as inserted
 * when the CVE had no copy before, else as updated.
 * @example planVulnerabilityUpsert([], [nvdRecord]).counts // { inserted: 1, updated: 0, unchanged: 0 }
 */
export function planVulnerabilityUpsert(storedCopies: readonly VulnerabilityRecord[], records: readonly VulnerabilityRecord[]): VulnerabilityUpsertPlan {
  const counts: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0 };
  const copiesByCve = new Map<string, Map<FeedSource, VulnerabilityRecord>>();
  const copiesOf = (cveId: string) => {
    let copies = copiesByCve.get(cveId);
    if (!copies) copiesByCve.set(cveId, (copies = new Map()));
    return copies;
  };
  for (const copy of storedCopies) copiesOf(copy.cveId).set(copy.source, copy);

  const changedCopies = new Map<string, VulnerabilityRecord>();
  const changedCves = new Set<string>();
  for (const record of records) {
    const copies = copiesOf(record.cveId);
    const current = copies.get(record.source);
    if (current && (JSON.stringify(current) === JSON.stringify(record) || isOlder(record.lastModified, current.lastModified))) {
      counts.unchanged++;
      continue;
    }
    if (copies.size > 0) counts.updated++;
    else counts.inserted++;
    copies.set(record.source, record);
    changedCopies.set(`${record.cveId}\u0000${record.source}`, record);
    changedCves.add(record.cveId);
  }
  const merged = [...changedCves].map((cveId) => mergeSourceRecords([...copiesOf(cveId).values()]));
  return { writes: { copies: [...changedCopies.values()], merged }, counts };
}

/**
 * Store feed records (each one feed's copy of a CVE) and refresh the merged record of every
 * CVE that changed, atomically; see planVulnerabilityUpsert for what changes and how it counts.
 * @example const { inserted, updated, unchanged } = await upsertVulnerabilities(store, parsed.records, { importedAt: startedAt })
 */
export async function upsertVulnerabilities(
  store: VulnerabilityStore,
  records: readonly VulnerabilityRecord[],
  options: { importedAt?: string } = {},
): Promise<UpsertCounts> {
  if (records.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  return store.updateVulnerabilities(
    records.map((record) => record.cveId),
    (stored) => {
      const { writes, counts } = planVulnerabilityUpsert(stored, records);
      return { writes, outcome: counts };
    },
    options,
  );
}

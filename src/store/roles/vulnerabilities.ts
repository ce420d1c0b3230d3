/**
 * Vulnerability data: each feed's own copy of a CVE, the merged record the firmware matcher
 * reads, and CISA KEV. Deciding what a merged record says (which feed's applicability wins,
 * whether a copy is newer) is the domain's job, in assess/firmware/feeds/: the store only
 * keeps what it is given, atomically.
 */
import type { KevEntry, VulnerabilityRecord } from '../../assess/firmware/types.ts';

/** What an upsert did: new records, changed ones, and ones already as given. */
export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

export interface VulnerabilityCounts {
  /** Merged CVE records by the source their applicability came from. */
  bySource: Array<{ source: string; count: number }>;
  /** Per-feed copies held, by feed. */
  byFeed: Array<{ source: string; count: number }>;
  kev: number;
  kevRansomware: number;
}

/** What one vulnerability update writes. */
export interface VulnerabilityWrites {
  /** Per-feed copies, each upserted by (cveId, source). */
  copies: readonly VulnerabilityRecord[];
  /** Merged records (what the matcher reads), each upserted by cveId. */
  merged: readonly VulnerabilityRecord[];
}

/**
 * Decides, from the per-feed copies stored for a batch's CVEs, what to write and what to tell
 * the caller. It runs inside the store's transaction, so it is synchronous and has no side
 * effects (assess/firmware/feeds/upsert.ts has the one the importers use).
 */
export type VulnerabilityUpdate<Outcome> = (storedCopies: readonly VulnerabilityRecord[]) => { writes: VulnerabilityWrites; outcome: Outcome };

/**
 * Per-feed CVE copies, merged CVE records and KEV entries.
 * @example
 * const counts = await upsertVulnerabilities(store, records) // assess/firmware/feeds/upsert.ts
 * const record = await store.getVulnerability('CVE-2020-1000')
 */
export interface VulnerabilityStore {
  /**
   * One atomic read–decide–write: reads the stored copies of the CVEs `cveIds` (every feed's),
   * hands them to `update`, writes the copies and merged records it returns, and resolves to its
   * outcome. Two updates never interleave; when `update` throws, nothing is written.
   */
  updateVulnerabilities<Outcome>(cveIds: readonly string[], update: VulnerabilityUpdate<Outcome>, options?: { importedAt?: string }): Promise<Outcome>;
  /** Upsert CISA KEV entries by CVE id; an entry equal in every field to the stored one counts as unchanged. */
  upsertKev(entries: readonly KevEntry[], options?: { importedAt?: string }): Promise<UpsertCounts>;
  /** Every merged record, ordered by CVE id. */
  listVulnerabilities(): Promise<VulnerabilityRecord[]>;
  /** One merged record, or undefined. */
  getVulnerability(cveId: string): Promise<VulnerabilityRecord | undefined>;
  /** Every KEV entry, ordered by CVE id. */
  listKev(): Promise<KevEntry[]>;
  vulnerabilityCounts(): Promise<VulnerabilityCounts>;
}

/**
 * Merging what several feeds say about one CVE into the record the matcher uses.
 * Applicability comes whole from one source — never a mix of configurations, which could
 * combine a firmware range from one feed with a hardware list from another:
 * NVD when NVD has configurations, else CVE JSON 5 (CNA + CISA-ADP), else JVN, else
 * synthetic (lab data). Scores, references and aliases are the union of all sources.
 */
import type { CvssScore, FeedSource, VulnerabilityRecord } from '../types.ts';
import { unique } from './json-fields.ts';

/** Best source first, for applicability and for the description. */
export const SOURCE_PRECEDENCE: readonly FeedSource[] = ['nvd', 'cve5', 'jvn', 'synthetic'];

const rank = (source: FeedSource): number => {
  const index = SOURCE_PRECEDENCE.indexOf(source);
  return index === -1 ? SOURCE_PRECEDENCE.length : index;
};

const scoreKey = (score: CvssScore): string => `${score.version}|${score.source}|${score.vector}|${score.baseScore}`;

/**
 * Merge one CVE's per-source records (at most one per source, any order).
 * @example mergeSourceRecords([cve5Record, nvdRecord]).source // 'nvd' when NVD has configurations
 */
export function mergeSourceRecords(records: readonly VulnerabilityRecord[]): VulnerabilityRecord {
  if (records.length === 0) throw new Error('mergeSourceRecords needs at least one record');
  const ordered = [...records].sort((a, b) => rank(a.source) - rank(b.source));
  if (ordered.length === 1) return ordered[0];
  const applicable = ordered.find((record) => record.configurations.length > 0) ?? ordered[0];
  const scores = new Map<string, CvssScore>();
  for (const record of ordered) for (const score of record.scores) if (!scores.has(scoreKey(score))) scores.set(scoreKey(score), score);
  const merged: VulnerabilityRecord = {
    cveId: applicable.cveId,
    source: applicable.source,
    description:
      ordered.find((record) => record.description !== '' && record.source !== 'jvn')?.description ??
      ordered.find((record) => record.description !== '')?.description ??
      '',
    scores: [...scores.values()],
    configurations: applicable.configurations,
    references: unique(ordered.flatMap((record) => record.references)),
    aliases: unique(ordered.flatMap((record) => record.aliases)),
  };
  const published = ordered
    .map((record) => record.published)
    .filter((value): value is string => value !== undefined)
    .sort()[0];
  const lastModified = ordered
    .map((record) => record.lastModified)
    .filter((value): value is string => value !== undefined)
    .sort()
    .at(-1);
  if (published) merged.published = published;
  if (lastModified) merged.lastModified = lastModified;
  return merged;
}

/**
 * Whether a feed's new copy of a record is older than the stored one (then it is ignored:
 * an old feed file imported late must not undo a newer one). NVD timestamps carry no
 * zone, CVE5 and JVN ones do; all are compared as instants (zone-less read as UTC).
 * @example isOlder("2020-01-01T00:00:00", "2024-01-01T00:00:00Z") // true
 */
export function isOlder(incoming: string | undefined, stored: string | undefined): boolean {
  if (!incoming || !stored) return false;
  return toInstant(incoming) < toInstant(stored);
}

/**
 * Milliseconds since the epoch of an ISO-8601 timestamp, treating a missing zone as UTC.
 * @example toInstant('2024-01-21T08:15:07.550') === Date.parse('2024-01-21T08:15:07.550Z') // true
 */
export function toInstant(timestamp: string): number {
  const hasZone = /(?:Z|[+-]\d\d:?\d\d)$/i.test(timestamp) || !timestamp.includes('T');
  const parsed = Date.parse(hasZone ? timestamp : `${timestamp}Z`);
  return Number.isNaN(parsed) ? 0 : parsed;
}

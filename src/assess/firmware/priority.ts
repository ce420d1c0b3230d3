import type { CvssScore, KevEntry, Severity } from './types.ts';

/**
 * Which score to show and rank by, when a CVE has several: the newest CVSS version
 * NVD itself scored (Primary), then any newer-version score, then the highest.
 * CVSS 4.0 ranks after 3.x because most tooling and ISP processes still expect 3.x.
 */
export function primaryScore(scores: readonly CvssScore[]): CvssScore | undefined {
  const versionRank: Record<CvssScore['version'], number> = { '3.1': 4, '3.0': 3, '4.0': 2, '2.0': 1 };
  return [...scores].sort(
    (a, b) => versionRank[b.version] - versionRank[a.version] || Number(b.type === 'Primary') - Number(a.type === 'Primary') || b.baseScore - a.baseScore,
  )[0];
}

export type PriorityLabel = 'urgent' | 'high' | 'medium' | 'low';

export interface Priority {
  /** 0..1; higher is notified first. */
  score: number;
  label: PriorityLabel;
  /** The parts, so a report can say why. */
  reasons: string[];
}

/**
 * Notification priority of one vulnerability in one survey, from what makes notifying
 * worth it: how bad (CVSS base score), whether it is exploited in the wild (CISA KEV,
 * ransomware use), and how many surveyed devices share it (one advisory to an ISP fixes
 * many devices). Weights: severity 0.5, KEV 0.3, ransomware 0.05, installed base 0.15
 * (log scale, saturating at 1,000 devices). Labels: urgent ≥ 0.7, high ≥ 0.45,
 * medium ≥ 0.25, else low. A KEV-listed critical CVE on one device is "urgent"; a
 * medium-severity one on a thousand devices is "medium".
 * @example notificationPriority({ baseScore: 9.8 }, kevEntry, 12).label // 'urgent'
 */
export function notificationPriority(score: Pick<CvssScore, 'baseScore'> | undefined, kev: KevEntry | undefined, affectedDevices: number): Priority {
  const reasons: string[] = [];
  const severityPart = ((score?.baseScore ?? 5) / 10) * 0.5;
  reasons.push(score ? `CVSS ${score.baseScore.toFixed(1)}` : 'no CVSS score (assumed 5.0)');
  const kevPart = kev ? 0.3 : 0;
  if (kev) reasons.push(`CISA KEV since ${kev.dateAdded}`);
  const ransomwarePart = kev?.knownRansomwareCampaignUse === 'Known' ? 0.05 : 0;
  if (ransomwarePart) reasons.push('known ransomware use');
  const basePart = 0.15 * Math.min(1, Math.log10(1 + Math.max(0, affectedDevices)) / 3);
  reasons.push(`${affectedDevices} surveyed device${affectedDevices === 1 ? '' : 's'}`);
  const value = Math.min(1, severityPart + kevPart + ransomwarePart + basePart);
  const label: PriorityLabel = value >= 0.7 ? 'urgent' : value >= 0.45 ? 'high' : value >= 0.25 ? 'medium' : 'low';
  return { score: Math.round(value * 1000) / 1000, label, reasons };
}

/** Severity words for a CVSS base score (CVSS 3.x bands), for sources that give only the number. */
export function severityOf(baseScore: number): Severity {
  if (baseScore === 0) return 'NONE';
  if (baseScore < 4) return 'LOW';
  if (baseScore < 7) return 'MEDIUM';
  if (baseScore < 9) return 'HIGH';
  return 'CRITICAL';
}

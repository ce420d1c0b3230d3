/**
 * The input of every notification renderer: one batch of findings for one ISP, with the
 * facts about the program that sends it. Renderers are pure functions of this value, so
 * rendering the same report twice gives byte-identical files (the outbox relies on it).
 */
import { findingKindsByUrgency, type FindingKind } from '../../core/finding-kinds.ts';
import type { NotifiableFinding } from '../../core/records.ts';

/** Who sends the notifications: shown as feed provider, STIX identity, e-mail signature. */
export interface ProgramInfo {
  /** e.g. "opennotice" or the operator's programme name. */
  name: string;
  /** Public page about the survey (the transparency page). */
  url?: string;
  /** Address that answers questions about a report. */
  contact?: string;
  /** A page of advice for subscribers, per finding kind (the CSV's advice_url column, the notices). */
  adviceUrls?: Partial<Record<FindingKind, string>>;
  /**
   * When the program began (ISO-8601): `created` of its STIX identity, which must not
   * change from one report to the next. Default: the Unix epoch.
   */
  since?: string;
}

/** One batch of findings for one ISP. */
export interface NotificationReport {
  /** Stable identifier of this report (the store's report id or idempotency key): seeds STIX ids. */
  reportId: string;
  isp: { id: string; name: string; language: 'ja' | 'en' };
  /** When the report was built (ISO-8601, UTC). Also `created` of its STIX objects. */
  generatedAt: string;
  periodStart?: string;
  periodEnd: string;
  findings: NotifiableFinding[];
  /** Default: `{ name: 'opennotice' }`. */
  program?: ProgramInfo;
}

/**
 * The program of a report, with defaults filled in.
 * @example programOf({}).name // 'opennotice'
 */
export function programOf(report: Pick<NotificationReport, 'program'>): ProgramInfo {
  return report.program ?? { name: 'opennotice' };
}

/**
 * Count findings per kind; every kind is present (0 when none).
 * @example countByKind(report.findings) // { infected: 0, 'no-authentication': 1, … }
 */
export function countByKind(findings: readonly NotifiableFinding[]): Record<FindingKind, number> {
  const counts = Object.fromEntries(findingKindsByUrgency.map((kind) => [kind, 0])) as Record<FindingKind, number>;
  for (const finding of findings) counts[finding.kind]++;
  return counts;
}

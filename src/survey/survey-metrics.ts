/**
 * What a survey tells its metrics, and no more: the runner calls these as it goes, and the
 * command's wiring decides where they go (src/metrics/survey.ts: Prometheus counters). A
 * survey without metrics is given none; every call site is `deps.metrics?.…`.
 */
import type { FindingKind, GrabStatus } from '../core/records.ts';
import type { DialerStats } from '../scope/dial-gate.ts';
import type { SurveyProgress } from './progress.ts';

export interface SurveyMetrics {
  /** The stored run this survey is (new or resumed). */
  runStarted(runId: number): void;
  /** The run's dialer: its live counts (connections open, made by transport, refused by scope) are read when scraped. */
  watchDialer(stats: () => DialerStats): void;
  /** Targets finished since the last call: TCP targets the connect scan probed (or open ports read from a file), UDP targets swept or queried. */
  targetsDone(transport: 'tcp' | 'udp', count: number): void;
  /** One surveyed host, with the grab outcome of each of its services and the findings it produced. */
  hostSurveyed(grabs: ReadonlyArray<{ protocol: string; status: GrabStatus }>, findings: ReadonlyArray<{ kind: FindingKind }>): void;
  /** Findings produced after the hosts (the firmware phase). */
  findingsFound(kind: FindingKind, count: number): void;
  /** Where the survey is, at each progress report. */
  progress(progress: SurveyProgress): void;
}

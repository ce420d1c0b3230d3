import type { FindingKind, ServiceDetectionRecord } from '../core/records.ts';
import type { ReconcileCounts } from '../store/roles/findings.ts';
import type { LoginSummary } from './login-summary.ts';
import type { UdpCounts } from './udp-stage.ts';

/** What a running survey reports, for the CLI's bar or log lines and for tests. */
export interface SurveyProgress {
  phase: 'discovery' | 'udp' | 'assessment' | 'saving' | 'firmware' | 'done';
  /** Units done and total in the current phase (TCP targets, UDP targets, then hosts). */
  done: number;
  total: number;
  openPorts: number;
  services: number;
  identified: number;
  findings: number;
  elapsedMs: number;
}

export interface SurveySummary {
  runId: number;
  status: 'completed' | 'interrupted';
  targets: number;
  openPorts: number;
  hosts: number;
  services: number;
  servicesByStatus: Record<string, number>;
  /** How services' protocols were found, and the requests and connections that took. */
  detection: { byMethod: Partial<Record<ServiceDetectionRecord['method'], number>>; probes: number; connections: number };
  identified: number;
  /** Findings this run produced, by kind (kinds it found none of are absent). */
  findings: Partial<Record<FindingKind, number>>;
  /** Present when UDP services were queried: what was sent, what answered, what stayed silent. */
  udp?: UdpCounts;
  /** Present when the firmware check ran. */
  firmware?: { devicesAssessed: number; unknownMatches: number };
  reconciliation: ReconcileCounts;
  attempts: number;
  /** Present when the credentials check ran: tries, connections, tries per connection, time. */
  logins?: LoginSummary;
  elapsedMs: number;
}

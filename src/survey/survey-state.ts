/**
 * What a survey's stages count as they go, and the two things read from it: the summary the
 * caller gets and the totals stored with the run.
 */
import type { FindingKind } from '../core/records.ts';
import type { FirmwareFindings } from './firmware-phase.ts';
import type { HostSurveyResult } from './host-survey.ts';
import type { LoginTally } from './login-summary.ts';
import type { SurveyWriter } from './persist.ts';
import type { SurveyProgress, SurveySummary } from './progress.ts';
import type { UdpCounts } from './udp-stage.ts';

/** What the stages count as they go; the summary and the run's stored totals are read from it. */
export interface SurveyState {
  started: number;
  progress: SurveyProgress;
  targets: number;
  hosts: number;
  attempts: number;
  /** Set when the credentials check runs. */
  logins?: LoginTally;
  servicesByStatus: Record<string, number>;
  detection: SurveySummary['detection'];
  found: Partial<Record<FindingKind, number>>;
  /** Set when the UDP stage ran. */
  udp?: UdpCounts;
  writer?: SurveyWriter;
  firmware?: FirmwareFindings;
}

/** @example const state = createSurveyState() */
export function createSurveyState(): SurveyState {
  return {
    started: performance.now(),
    progress: { phase: 'discovery', done: 0, total: 0, openPorts: 0, services: 0, identified: 0, findings: 0, elapsedMs: 0 },
    targets: 0,
    hosts: 0,
    attempts: 0,
    servicesByStatus: {},
    detection: { byMethod: {}, probes: 0, connections: 0 },
    found: {},
  };
}

/**
 * Add one surveyed host to the counts.
 * @example countHost(state, await surveyHost(deps, ip, ports))
 */
export function countHost(state: SurveyState, result: HostSurveyResult): void {
  const progress = state.progress;
  progress.done++;
  progress.services += result.observations.length;
  if (result.device) progress.identified++;
  progress.findings += result.findings.length;
  for (const observation of result.observations) {
    state.servicesByStatus[observation.status] = (state.servicesByStatus[observation.status] ?? 0) + 1;
    if (!observation.detection) continue;
    const { method, probes, connections } = observation.detection;
    state.detection.byMethod[method] = (state.detection.byMethod[method] ?? 0) + 1;
    state.detection.probes += probes;
    state.detection.connections += connections;
  }
  state.attempts += result.attempts.length;
  state.logins?.addDevice(result.logins ?? []);
  for (const finding of result.findings) state.found[finding.kind] = (state.found[finding.kind] ?? 0) + 1;
}

/**
 * The summary a survey returns.
 * @example return summaryOf(runId, 'completed', state)
 */
export function summaryOf(runId: number, status: SurveySummary['status'], state: SurveyState): SurveySummary {
  return {
    runId,
    status,
    targets: state.targets,
    openPorts: state.progress.openPorts,
    hosts: state.hosts,
    services: state.progress.services,
    servicesByStatus: state.servicesByStatus,
    detection: state.detection,
    identified: state.progress.identified,
    findings: state.found,
    reconciliation: state.writer?.reconciliation ?? { opened: 0, updated: 0, closed: 0, reopened: 0, missed: 0 },
    firmware: state.firmware ? { devicesAssessed: state.firmware.devicesAssessed, unknownMatches: state.firmware.unknownMatches } : undefined,
    ...(state.udp ? { udp: { ...state.udp } } : {}),
    attempts: state.attempts,
    ...(state.logins ? { logins: state.logins.summary() } : {}),
    elapsedMs: Math.round(performance.now() - state.started),
  };
}

/**
 * The totals stored with the run: counts, then found findings by kind.
 * @example counts: () => runCounts(state)
 */
export function runCounts(state: SurveyState): Record<string, number> {
  return {
    targets: state.targets,
    openPorts: state.progress.openPorts,
    hosts: state.hosts,
    services: state.progress.services,
    detectionProbes: state.detection.probes,
    identified: state.progress.identified,
    ...(state.udp ? { udpTargets: state.udp.targets, udpAnswered: state.udp.answered, udpRequests: state.udp.requests } : {}),
    ...state.found,
    attempts: state.attempts,
    elapsedMs: Math.round(performance.now() - state.started),
  };
}

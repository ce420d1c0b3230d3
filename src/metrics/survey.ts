/**
 * A survey's Prometheus metrics (the SurveyMetrics a survey records into): targets, hosts,
 * grabs by protocol and status, findings by kind, the phase and its progress, and the dialer's
 * live counts. Labels are closed sets (transport, protocol, status, kind, phase): never an address.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { DialerStats } from '../scope/dial-gate.ts';
import type { SurveyProgress } from '../survey/progress.ts';
import type { SurveyMetrics } from '../survey/survey-metrics.ts';

const phases: ReadonlyArray<SurveyProgress['phase']> = ['discovery', 'udp', 'assessment', 'saving', 'firmware', 'done'];

/**
 * @example const summary = await runSurvey(request, { ...deps, metrics: createSurveyMetrics(registry) })
 */
export function createSurveyMetrics(registry: Registry, now: () => number = Date.now): SurveyMetrics {
  const registers = [registry];
  const targets = new Counter({
    name: 'opennotice_survey_targets_done_total',
    help: 'Targets (address and port) finished: TCP by the connect scan or read from a discovery file, UDP swept or queried.',
    labelNames: ['transport'] as const,
    registers,
  });
  const hosts = new Counter({ name: 'opennotice_survey_hosts_done_total', help: 'Hosts surveyed (grabbed, identified, checked).', registers });
  const grabs = new Counter({
    name: 'opennotice_survey_grabs_total',
    help: 'Service grabs by protocol and outcome (success, connection-refused, io-timeout, protocol-error, …).',
    labelNames: ['protocol', 'status'] as const,
    registers,
  });
  const findings = new Counter({
    name: 'opennotice_survey_findings_total',
    help: 'Findings this survey produced, by kind.',
    labelNames: ['kind'] as const,
    registers,
  });
  const runId = new Gauge({ name: 'opennotice_survey_run_id', help: 'The stored run this process is surveying.', registers });
  const phase = new Gauge({
    name: 'opennotice_survey_phase',
    help: 'The phase the survey is in (1) and the others (0).',
    labelNames: ['phase'] as const,
    registers,
  });
  const phaseDone = new Gauge({
    name: 'opennotice_survey_phase_done_units',
    help: 'Units of the current phase done: targets, UDP targets, then hosts.',
    registers,
  });
  const phasePlanned = new Gauge({ name: 'opennotice_survey_phase_planned_units', help: 'Units of the current phase in all (0 when unknown).', registers });
  const openPorts = new Gauge({ name: 'opennotice_survey_open_ports', help: 'Open TCP ports discovery found so far.', registers });
  const lastAdvance = new Gauge({
    name: 'opennotice_survey_last_progress_timestamp_seconds',
    help: 'When the survey last finished a unit of work or changed phase (Unix time): a survey whose value stops moving has stalled.',
    registers,
  });

  // The dialer keeps running totals; a scrape adds what changed since the one before.
  let dialerStats: (() => DialerStats) | undefined;
  let counted = { tcp: 0, tls: 0, udp: 0, refused: 0, swept: 0, strays: 0 };
  const read = () => {
    if (!dialerStats) return counted;
    const stats = dialerStats();
    return { ...stats.dialedBy, refused: stats.refusedByScope, swept: stats.swept, strays: stats.strayDatagrams };
  };
  new Gauge({
    name: 'opennotice_dialer_connections_open',
    help: 'Connections and UDP queries the dialer holds open right now.',
    registers,
    collect() {
      this.set(dialerStats?.().open ?? 0);
    },
  });
  const dialed = new Counter({
    name: 'opennotice_dialer_connections_total',
    help: 'Connections and UDP queries the dialer made, by transport (tcp, tls, udp); its rate is connections per second.',
    labelNames: ['transport'] as const,
    registers,
    collect: () => syncDialer(),
  });
  const refused = new Counter({
    name: 'opennotice_dialer_refused_by_scope_total',
    help: 'Targets the dialer refused before any packet: outside the scope, excluded or opted out.',
    registers,
    collect: () => syncDialer(),
  });
  const swept = new Counter({
    name: 'opennotice_dialer_sweep_datagrams_total',
    help: 'Request datagrams UDP sweeps sent.',
    registers,
    collect: () => syncDialer(),
  });
  const strays = new Counter({
    name: 'opennotice_dialer_stray_datagrams_total',
    help: 'UDP datagrams from addresses and ports not asked, ignored.',
    registers,
    collect: () => syncDialer(),
  });
  /** Brings every dialer counter up to the dialer's totals; whichever is collected first does it for all. */
  function syncDialer(): void {
    const current = read();
    // The dialer's totals only grow; a counter told a negative step would fail the whole scrape.
    const step = (key: keyof typeof counted) => Math.max(0, current[key] - counted[key]);
    for (const transport of ['tcp', 'tls', 'udp'] as const) dialed.inc({ transport }, step(transport));
    refused.inc(step('refused'));
    swept.inc(step('swept'));
    strays.inc(step('strays'));
    counted = current;
  }

  let lastPhase: SurveyProgress['phase'] | undefined;
  let lastDone = -1;
  return {
    runStarted: (id) => runId.set(id),
    watchDialer(stats) {
      // What the previous dialer did is counted before its totals are left behind.
      syncDialer();
      dialerStats = stats;
      counted = { tcp: 0, tls: 0, udp: 0, refused: 0, swept: 0, strays: 0 };
    },
    targetsDone: (transport, count) => {
      if (count > 0) targets.inc({ transport }, count);
    },
    hostSurveyed(hostGrabs, hostFindings) {
      hosts.inc();
      for (const grab of hostGrabs) grabs.inc({ protocol: grab.protocol, status: grab.status });
      for (const finding of hostFindings) findings.inc({ kind: finding.kind });
    },
    findingsFound: (kind, count) => {
      if (count > 0) findings.inc({ kind }, count);
    },
    progress(progress) {
      for (const each of phases) phase.set({ phase: each }, each === progress.phase ? 1 : 0);
      phaseDone.set(progress.done);
      phasePlanned.set(progress.total);
      openPorts.set(progress.openPorts);
      if (progress.phase !== lastPhase || progress.done !== lastDone) lastAdvance.set(now() / 1000);
      lastPhase = progress.phase;
      lastDone = progress.done;
    },
  };
}

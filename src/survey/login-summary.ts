/**
 * What the credential checks of a survey cost: per service (in the finding evidence and
 * here) the tries, connections, tries per connection, retries, backoffs and time; per
 * survey the totals, by protocol, with the slowest service and device.
 */

/** One service's credential check, as host-survey reports it. */
export interface LoginCheckReport {
  protocol: string;
  port: number;
  attempts: number;
  /** Wall-clock time of the check, backoffs included. */
  durationMs: number;
  connections: number;
  /** Most tries made on one connection. */
  maxTriesPerConnection: number;
  retries: number;
  backoffs: number;
  /** The check ended at the plan's cap with entries left untried (nothing found before it). */
  stoppedAtCap: boolean;
}

/** Totals over a set of checks. */
export interface LoginTotals {
  services: number;
  attempts: number;
  connections: number;
  /** Time of all checks added up (they run in parallel, so more than the survey took). */
  durationMs: number;
  /** The longest single check. */
  longestServiceMs: number;
  maxTriesPerConnection: number;
  retries: number;
  backoffs: number;
  stoppedAtCap: number;
}

export interface LoginSummary extends LoginTotals {
  /** Devices (addresses) with at least one check. */
  devices: number;
  /** The longest time spent on one device, its checks one after another. */
  longestDeviceMs: number;
  /** The same totals per protocol, by protocol name. */
  byProtocol: Array<{ protocol: string } & LoginTotals>;
}

export interface LoginTally {
  /** Add one device's checks. */
  addDevice(reports: readonly LoginCheckReport[]): void;
  summary(): LoginSummary;
}

const emptyTotals = (): LoginTotals => ({
  services: 0,
  attempts: 0,
  connections: 0,
  durationMs: 0,
  longestServiceMs: 0,
  maxTriesPerConnection: 0,
  retries: 0,
  backoffs: 0,
  stoppedAtCap: 0,
});

function addTo(totals: LoginTotals, report: LoginCheckReport): void {
  totals.services++;
  totals.attempts += report.attempts;
  totals.connections += report.connections;
  totals.durationMs += report.durationMs;
  totals.longestServiceMs = Math.max(totals.longestServiceMs, report.durationMs);
  totals.maxTriesPerConnection = Math.max(totals.maxTriesPerConnection, report.maxTriesPerConnection);
  totals.retries += report.retries;
  totals.backoffs += report.backoffs;
  if (report.stoppedAtCap) totals.stoppedAtCap++;
}

/**
 * Adds up checks device by device.
 * @example const tally = createLoginTally(); tally.addDevice(result.logins ?? []); tally.summary().attempts
 */
export function createLoginTally(): LoginTally {
  const totals = emptyTotals();
  const byProtocol = new Map<string, LoginTotals>();
  let devices = 0;
  let longestDeviceMs = 0;
  return {
    addDevice(reports) {
      if (reports.length === 0) return;
      devices++;
      longestDeviceMs = Math.max(
        longestDeviceMs,
        reports.reduce((sum, report) => sum + report.durationMs, 0),
      );
      for (const report of reports) {
        addTo(totals, report);
        let protocolTotals = byProtocol.get(report.protocol);
        if (!protocolTotals) byProtocol.set(report.protocol, (protocolTotals = emptyTotals()));
        addTo(protocolTotals, report);
      }
    },
    summary: () => ({
      ...totals,
      devices,
      longestDeviceMs,
      byProtocol: [...byProtocol].sort(([a], [b]) => a.localeCompare(b)).map(([protocol, protocolTotals]) => ({ protocol, ...protocolTotals })),
    }),
  };
}

/**
 * Mean tries per connection, one decimal; 0 when nothing connected.
 * @example triesPerConnection({ attempts: 10, connections: 4 }) // 2.5
 */
export function triesPerConnection(totals: Pick<LoginTotals, 'attempts' | 'connections'>): number {
  return totals.connections === 0 ? 0 : Math.round((totals.attempts / totals.connections) * 10) / 10;
}

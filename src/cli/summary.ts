import { triesPerConnection, type LoginSummary } from '../survey/login-summary.ts';
import type { SurveySummary } from '../survey/progress.ts';

/** The few lines a person reads after a survey. */
export function formatSurveySummary(summary: SurveySummary, storeLocation: string): string {
  const seconds = (summary.elapsedMs / 1000).toFixed(1);
  const statuses = Object.entries(summary.servicesByStatus)
    .sort((a, b) => b[1] - a[1])
    .map(([status, count]) => `${status} ${count}`)
    .join(', ');
  const { opened, updated, closed, reopened, missed } = summary.reconciliation;
  return [
    `survey run ${summary.runId} ${summary.status} in ${seconds} s`,
    `  targets probed     ${summary.targets}`,
    `  open ports         ${summary.openPorts} on ${summary.hosts} hosts`,
    `  services grabbed   ${summary.services}${statuses ? ` (${statuses})` : ''}`,
    `  protocols found    ${describeDetection(summary)}`,
    ...(summary.udp ? [udpLine(summary.udp)] : []),
    `  devices identified ${summary.identified}`,
    `  login attempts     ${summary.attempts}`,
    ...(summary.logins ? loginLines(summary.logins) : []),
    `  findings           ${summary.findings['weak-credential'] ?? 0} weak credential, ${summary.findings['no-authentication'] ?? 0} no authentication${summary.firmware ? `, ${summary.findings['vulnerable-firmware'] ?? 0} vulnerable firmware` : ''}${summary.udp ? `, ${summary.findings.reflector ?? 0} reflector` : ''}`,
    ...(summary.firmware
      ? [
          `  firmware check     ${summary.firmware.devicesAssessed} devices matched against the vulnerability data, ${summary.firmware.unknownMatches} device/CVE pairs undecided (version unreadable)`,
        ]
      : []),
    `  changes            ${opened} new, ${updated} still open, ${closed} fixed, ${reopened} reopened${missed > 0 ? `, ${missed} not reproduced once (closed after more misses)` : ''}`,
    `  saved to           ${storeLocation}  (list with: opennotice findings --db ${storeLocation})`,
    '',
  ].join('\n');
}

/**
 * What the UDP stage sent and heard.
 * @example udpLine(summary.udp) // '  UDP services       3 answered of 8 (2 silent: open|filtered, 3 closed, 0 failed); 11 requests, 3 retries, 0 stray datagrams'
 */
export function udpLine(udp: NonNullable<SurveySummary['udp']>): string {
  const skipped = udp.skipped > 0 ? `; ${udp.skipped} given ports not queried (no UDP protocol, or not in the plan)` : '';
  // A swept target cannot be seen closed (no ICMP reaches the sweep's socket): its silence is open|filtered.
  const unmatched = udp.unmatched > 0 ? `, ${udp.unmatched} answered something else` : '';
  const swept = udp.swept > 0 ? ` (${udp.swept} swept)` : '';
  const closed = udp.swept > 0 ? 'closed, of the ports grabbed: a sweep cannot see a closed one' : 'closed';
  return `  UDP services       ${udp.answered} answered of ${udp.targets} (${udp.openFiltered} silent: open|filtered, ${udp.refused} ${closed}, ${udp.failed} failed${unmatched}); ${udp.requests} requests${swept}, ${udp.retries} retries, ${udp.strays} stray datagrams${skipped}`;
}

/** "412 by greeting, 380 by probe, 12 in TLS, 2 by port, 3 not recognised; 0.6 probes a service". */
function describeDetection(summary: SurveySummary): string {
  const { byMethod, probes } = summary.detection;
  const count = (...methods: Array<keyof typeof byMethod>) => methods.reduce((total, method) => total + (byMethod[method] ?? 0), 0);
  const services = count('banner', 'probe', 'tls-banner', 'tls-probe', 'port', 'none');
  const parts = [
    `${count('banner')} by greeting`,
    `${count('probe')} by probe`,
    `${count('tls-banner', 'tls-probe')} in TLS`,
    ...(count('port') > 0 ? [`${count('port')} by port`] : []),
    `${count('none')} not recognised`,
  ];
  return `${parts.join(', ')}; ${services > 0 ? (probes / services).toFixed(1) : '0'} probes a service`;
}

/**
 * The credential checks' pace: services and tries by protocol, connections and tries per
 * connection, retries and backoffs, the slowest service and device, services cut by the cap.
 * @example loginLines(summary.logins) // ['  login services     12 (ftp 2, ssh 4, telnet 6)', …]
 */
export function loginLines(logins: LoginSummary): string[] {
  if (logins.services === 0) return ['  login services     none checked'];
  const protocols = logins.byProtocol.map((totals) => `${totals.protocol} ${totals.services}`).join(', ');
  const lines = [
    `  login services     ${logins.services} on ${logins.devices} devices (${protocols})`,
    `  login connections  ${logins.connections}, ${triesPerConnection(logins)} tries per connection (at most ${logins.maxTriesPerConnection}); ${logins.retries} tries retried, ${logins.backoffs} backoffs`,
    `  login time         slowest service ${seconds(logins.longestServiceMs)}, slowest device ${seconds(logins.longestDeviceMs)}, ${seconds(logins.durationMs)} in all`,
  ];
  if (logins.stoppedAtCap > 0) {
    lines.push(`  stopped at the cap ${logins.stoppedAtCap} services had untried pairs left (raise --max-attempts-per-service or the plan's perHostAttempts)`);
  }
  return lines;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

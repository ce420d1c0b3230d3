/**
 * The Shadowserver report type a finding would be listed under, so an ISP that already routes
 * Shadowserver's reports by type (IntelMQ's Shadowserver parser, their own scripts) can route
 * ours alike. Shadowserver names a report by family and service: `scan_telnet` for IPv4,
 * `scan6_telnet` for IPv6 (their report list, "Default Severity Level by Report Type":
 * scan6_telnet, scan6_http, scan6_ssh, scan6_ftp, scan6_ssl, scan6_mqtt, scan6_mqtt_anon,
 * scan6_cwmp …); observations without a service are events (`event4_…`, `event6_…`).
 * Reflectors are named by their protocol's report (reflector-report-types.ts).
 */
import type { FindingView } from './finding-view.ts';
import { reflectorReportType, reportTypeName } from './reflector-report-types.ts';

/**
 * Shadowserver's service name for each of our TCP protocols that one of its scan reports
 * covers; a protocol missing here (RTSP, UPnP's TCP description) has no Shadowserver report.
 */
const serviceNames: Readonly<Record<string, string>> = {
  telnet: 'telnet',
  http: 'http',
  ssh: 'ssh',
  ftp: 'ftp',
  // The web interface over TLS is in their "Accessible SSL" report; MQTT over TLS in "Open MQTT".
  https: 'ssl',
  mqtt: 'mqtt',
  mqtts: 'mqtt',
  cwmp: 'cwmp',
  adb: 'adb',
};

/** Events of observed behaviour: a darknet's scanners, a honeypot's brute-forcing bots. */
const eventNames: Readonly<Record<string, string>> = { darknet: 'honeypot_darknet', honeypot: 'honeypot_brute_force' };

export interface ReportTypeInput {
  ip: string;
  kind: string;
  /** The finding's protocol: a grabber's name, or darknet / honeypot for observations without a service. */
  protocol: string;
}

/**
 * The report type of a finding that is not a reflector, or undefined when Shadowserver has no
 * report for its service.
 * @example shadowserverReportType({ ip: '2001:db8::7', kind: 'weak-credential', protocol: 'telnet' }) // 'scan6_telnet'
 * @example shadowserverReportType({ ip: '192.0.2.7', kind: 'no-authentication', protocol: 'mqtt' }) // 'scan_mqtt_anon'
 * @example shadowserverReportType({ ip: '192.0.2.7', kind: 'infected', protocol: 'darknet' }) // 'event4_honeypot_darknet'
 */
export function shadowserverReportType(input: ReportTypeInput): string | undefined {
  const v6 = input.ip.includes(':');
  const event = eventNames[input.protocol];
  if (event) return `${v6 ? 'event6' : 'event4'}_${event}`;
  const service = serviceNames[input.protocol];
  if (!service) return undefined;
  // A broker that lets anyone in has a report of its own.
  const anonymous = service === 'mqtt' && input.kind === 'no-authentication' ? '_anon' : '';
  return `${v6 ? 'scan6' : 'scan'}_${service}${anonymous}`;
}

/**
 * The report type of any finding: a reflector's by its protocol's report, the others by
 * their service; IPv6 addresses under Shadowserver's IPv6 names.
 * @example findingReportType(viewOf(finding, program)) // 'scan6_telnet' for a weak telnet login on 2001:db8::7
 */
export function findingReportType(view: FindingView): string | undefined {
  const { finding } = view;
  if (view.reflection) {
    const type = reflectorReportType(finding, view.reflection);
    return type && reportTypeName(type, finding.ip);
  }
  return shadowserverReportType({ ip: finding.ip, kind: finding.kind, protocol: finding.protocol });
}

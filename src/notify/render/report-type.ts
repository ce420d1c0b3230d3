/**
 * The Shadowserver report type a finding would be listed under, so an ISP that already routes
 * Shadowserver's reports by type (IntelMQ's Shadowserver parser, their own scripts) can route
 * ours alike. Shadowserver names a report by family and service: `scan_telnet` for IPv4,
 * `scan6_telnet` for IPv6 (their report list, "Default Severity Level by Report Type":
 * scan6_telnet, scan6_http, scan6_ssh, scan6_ftp, scan6_ssl, scan6_mqtt, scan6_mqtt_anon,
 * scan6_cwmp …); observations without a service are events (`event4_…`, `event6_…`).
 */

/** Our protocol names whose Shadowserver service name differs (TLS web interfaces are their "ssl" reports). */
const serviceNames: Readonly<Record<string, string>> = { https: 'ssl', mqtts: 'mqtt' };

export interface ReportTypeInput {
  ip: string;
  kind: string;
  /** The grabber's protocol; undefined for observations without a service (darknet, honeypot). */
  application?: string;
}

/**
 * @example shadowserverReportType({ ip: '2001:db8::7', kind: 'weak-credential', application: 'telnet' }) // 'scan6_telnet'
 * @example shadowserverReportType({ ip: '192.0.2.7', kind: 'no-authentication', application: 'mqtt' }) // 'scan_mqtt_anon'
 * @example shadowserverReportType({ ip: '192.0.2.7', kind: 'infected' }) // 'event4_honeypot_darknet'
 */
export function shadowserverReportType(input: ReportTypeInput): string {
  const v6 = input.ip.includes(':');
  if (input.application === undefined) return `${v6 ? 'event6' : 'event4'}_honeypot_darknet`;
  const service = serviceNames[input.application] ?? input.application.toLowerCase().replace(/[^a-z0-9]+/g, '_');
  // An MQTT broker that lets anyone in has a report of its own.
  const anonymous = service === 'mqtt' && input.kind === 'no-authentication' ? '_anon' : '';
  return `${v6 ? 'scan6' : 'scan'}_${service}${anonymous}`;
}

/**
 * Reflector findings in Shadowserver's own report types. Shadowserver reports each
 * amplifying UDP service in a report of its own ("scan_ssdp", "scan_ntpmonitor" …) whose
 * columns carry what that protocol's reply showed; IntelMQ's Shadowserver parser and the
 * scripts ISPs already run pick the parser by that name. So a reflector finding is named by
 * its report type, and the protocol's facts go to the columns Shadowserver uses for them.
 * Facts Shadowserver has no column for stay in the JSON report and the IntelMQ extras.
 *
 * Sources: Shadowserver's report pages (https://www.shadowserver.org/what-we-do/network-reporting/,
 * the "Filename" and "Fields" of each) and IntelMQ's Shadowserver parser configuration, which
 * maps the same columns.
 */
import type { NotifiableFinding } from '../../core/records.ts';
import { parseIPv4 } from '../../scope/ipv4.ts';
import type { ReflectionFacts } from './evidence.ts';

/** One column of a report type: Shadowserver's name, and the protocol's fact that fills it. */
export interface ReflectorColumn {
  readonly column: string;
  readonly fact: string;
}

export interface ReflectorReportType {
  /** Shadowserver's report (file) name for IPv4; IPv6 addresses get "scan6_" instead of "scan_". */
  readonly reportType: string;
  /** Shadowserver's report title. */
  readonly title: string;
  readonly columns: readonly ReflectorColumn[];
}

const types = {
  ssdp: {
    reportType: 'scan_ssdp',
    title: 'Open SSDP',
    columns: [
      { column: 'server', fact: 'server' },
      { column: 'location', fact: 'location' },
      { column: 'search_target', fact: 'searchTarget' },
      { column: 'unique_service_name', fact: 'usn' },
    ],
  },
  snmp: {
    reportType: 'scan_snmp',
    title: 'Open SNMP',
    columns: [
      { column: 'sysdesc', fact: 'sysDescr' },
      { column: 'sysname', fact: 'sysName' },
      { column: 'version', fact: 'version' },
    ],
  },
  ntpVersion: {
    reportType: 'scan_ntp',
    title: 'NTP Version',
    columns: [
      { column: 'version', fact: 'version' },
      { column: 'stratum', fact: 'stratum' },
      { column: 'system', fact: 'system' },
    ],
  },
  // NTP Monitor's own columns are the measure's: packets, response_size, amplification.
  ntpMonitor: { reportType: 'scan_ntpmonitor', title: 'NTP Monitor', columns: [] },
  dns: { reportType: 'scan_dns', title: 'DNS Open Resolvers', columns: [{ column: 'dns_version', fact: 'version' }] },
  memcached: {
    reportType: 'scan_memcached',
    title: 'Open Memcached',
    columns: [
      { column: 'version', fact: 'version' },
      { column: 'pid', fact: 'pid' },
      { column: 'uptime', fact: 'uptime' },
    ],
  },
  // CoAP's `response` is the resource list the device answered /.well-known/core with.
  coap: { reportType: 'scan_coap', title: 'Accessible CoAP', columns: [{ column: 'response', fact: 'resources' }] },
  wsd: { reportType: 'scan_ws_discovery', title: 'Accessible WS-Discovery Service', columns: [] },
  mdns: { reportType: 'scan_mdns', title: 'Open mDNS', columns: [{ column: 'services', fact: 'services' }] },
  // `radioname` is the discovery reply's host-name field; the model fields Shadowserver splits
  // into short and full names, which one reply field does not tell apart, stay in the JSON.
  ubiquiti: {
    reportType: 'scan_ubiquiti',
    title: 'Accessible Ubiquiti Discovery Service',
    columns: [
      { column: 'radioname', fact: 'hostname' },
      { column: 'firmware', fact: 'firmware' },
    ],
  },
} as const satisfies Record<string, ReflectorReportType>;

/** Every report type, in a stable order (the e-mail's attachments, the docs' table). */
export const reflectorReportTypes: readonly ReflectorReportType[] = Object.values(types);

/**
 * NTP has two of Shadowserver's reports: the mode 7 `monlist` (MON_GETLIST) reply is "NTP Monitor",
 * the mode 6 READVAR reply "NTP Version". The request measured says which.
 */
function ntpType(reflection: ReflectionFacts): ReflectorReportType {
  const monlist = /monlist|mon_getlist/i.test(reflection.request ?? '') || reflection.facts.has('monlistEntries');
  return monlist ? types.ntpMonitor : types.ntpVersion;
}

/**
 * The Shadowserver report type of a reflector finding; undefined for a protocol Shadowserver
 * has no report of (it is still in the combined CSV).
 * @example reflectorReportType(finding, view.reflection)?.reportType // 'scan_ssdp'
 */
export function reflectorReportType(finding: Pick<NotifiableFinding, 'protocol'>, reflection: ReflectionFacts): ReflectorReportType | undefined {
  switch (finding.protocol.toLowerCase()) {
    case 'ssdp':
      return types.ssdp;
    case 'snmp':
      return types.snmp;
    case 'ntp':
      return ntpType(reflection);
    case 'dns':
      return types.dns;
    case 'memcached':
      return types.memcached;
    case 'coap':
      return types.coap;
    case 'wsd':
      return types.wsd;
    case 'mdns':
      return types.mdns;
    case 'ubiquiti':
      return types.ubiquiti;
    default:
      return undefined;
  }
}

/**
 * The report name for the finding's address family, as Shadowserver names its IPv6 reports.
 * @example reportTypeName(reflectorReportType(finding, view.reflection)!, '2001:db8::1') // 'scan6_ntpmonitor' for a monlist reflector
 */
export function reportTypeName(type: ReflectorReportType, ip: string): string {
  return parseIPv4(ip) === undefined ? type.reportType.replace(/^scan_/, 'scan6_') : type.reportType;
}

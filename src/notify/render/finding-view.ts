/**
 * One finding as every renderer presents it: cleaned device strings, severity, tags,
 * transport, CVEs, family and confidence computed once, in one place, so the CSV, JSON,
 * STIX and IntelMQ outputs can never disagree about a finding.
 */
import { findingKind, type FindingKind } from '../../core/finding-kinds.ts';
import type { NotifiableFinding } from '../../core/records.ts';
import { shippedProtocols } from '../../protocols/registry.ts';
import { parseIPv4 } from '../../scope/ipv4.ts';
import { parseIPv6 } from '../../scope/ipv6.ts';
import {
  findingConfidence,
  infectionFacts,
  isKev,
  maxCvss,
  priorityLabel,
  reflectionFacts,
  reportedCves,
  type ReflectionFacts,
  type ReportedCve,
} from './evidence.ts';
import type { ProgramInfo } from './report.ts';
import { deviceText } from './text.ts';
import { notificationPriority } from '../priority.ts';

/** Shadowserver's severity levels (their severity.md). */
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

export interface FindingView {
  finding: NotifiableFinding;
  severity: Severity;
  /** Shadowserver-style tags (joined with ";" in CSV): see docs/notification-formats.md. */
  tags: string[];
  /** tcp, udp, or undefined for observations without a service (darknet, honeypot). */
  transport?: 'tcp' | 'udp';
  /** The grabber's protocol (telnet, http, …); undefined for darknet/honeypot findings. */
  application?: string;
  /** Port, or undefined when the finding has none (port 0). */
  port?: number;
  vendor?: string;
  model?: string;
  firmwareVersion?: string;
  cves: ReportedCve[];
  cvss?: number;
  kev?: boolean;
  family?: string;
  confidence?: number;
  adviceUrl?: string;
  /** What a reflector finding measured (request and reply sizes, amplification, the protocol's facts). */
  reflection?: ReflectionFacts;
}

/** The transport a protocol declares in the registry (TLS runs over TCP); TCP for names it does not know. */
const transportOf = (application: string): 'tcp' | 'udp' => (shippedProtocols.byName(application)?.transport === 'udp' ? 'udp' : 'tcp');
/** Pseudo-protocols of findings that have no service: an observation of the address. */
const observationProtocols = new Set(['darknet', 'honeypot', 'device']);

const firmwareSeverity: Record<string, Severity> = { urgent: 'critical', high: 'high', medium: 'medium', low: 'low' };

/**
 * Shadowserver-style severity. Infected and password-less devices are being (or can
 * trivially be) taken over: critical. Default passwords: high (botnets try them, but a
 * dictionary is needed). Firmware: the firmware phase's priority label; a KEV-listed CVE
 * is exploited in the wild, so critical. A critical device's finding is always critical.
 */
function severityOf(finding: NotifiableFinding): Severity {
  // Any weakness of a device that monitors or controls infrastructure is top priority (notify/priority.ts).
  if (finding.deviceType === 'critical') return 'critical';
  switch (finding.kind) {
    case 'infected':
    case 'no-authentication':
      return 'critical';
    case 'weak-credential':
      return 'high';
    case 'vulnerable-firmware':
      return isKev(finding) ? 'critical' : (firmwareSeverity[priorityLabel(finding) ?? ''] ?? 'medium');
    case 'reflector':
      // As Shadowserver rates its accessible-service reports: harm to others, not a takeover.
      return 'medium';
  }
}

const tagWord = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '') || 'unknown';

/** Tags by kind, in the spirit of Shadowserver's ("mirai-like", "cve-2021-44228"). */
function tagsOf(finding: NotifiableFinding, application: string | undefined, cves: readonly ReportedCve[], kev: boolean, family: string | undefined): string[] {
  switch (finding.kind) {
    case 'weak-credential':
      return [`${tagWord(application ?? 'device')}-weak-password`];
    case 'no-authentication':
      return [`${tagWord(application ?? 'device')}-no-password`];
    case 'vulnerable-firmware':
      return ['vulnerable-firmware', ...(kev ? ['kev'] : []), ...cves.map((cve) => cve.cveId.toLowerCase())];
    case 'infected': {
      const source = infectionFacts(finding).source;
      return ['infected-iot', tagWord(source), ...(family ? [`${tagWord(family)}-like`] : [])];
    }
    case 'reflector':
      return [`${tagWord(application ?? 'udp')}-amplifier`];
  }
}

/**
 * @example const view = viewOf(finding, program); view.tags // ['telnet-weak-password']
 */
export function viewOf(finding: NotifiableFinding, program: ProgramInfo): FindingView {
  const protocol = finding.protocol.toLowerCase();
  const application = observationProtocols.has(protocol) ? undefined : protocol;
  const cves = finding.kind === 'vulnerable-firmware' ? reportedCves(finding) : [];
  const kev = finding.kind === 'vulnerable-firmware' ? isKev(finding) : undefined;
  const family = finding.kind === 'infected' ? infectionFacts(finding).family : undefined;
  return {
    finding,
    severity: severityOf(finding),
    tags: tagsOf(finding, application, cves, kev ?? false, family),
    // A reflector is measured over UDP whatever the registry this build ships knows of the protocol.
    transport: application === undefined ? undefined : finding.kind === 'reflector' ? 'udp' : transportOf(application),
    application,
    port: finding.port > 0 ? finding.port : undefined,
    vendor: deviceText(finding.vendor),
    model: deviceText(finding.model),
    firmwareVersion: deviceText(finding.firmwareVersion, 64),
    cves,
    cvss: finding.kind === 'vulnerable-firmware' ? maxCvss(finding) : undefined,
    kev,
    family,
    confidence: findingConfidence(finding),
    adviceUrl: program.adviceUrls?.[finding.kind],
    reflection: finding.kind === 'reflector' ? reflectionFacts(finding) : undefined,
  };
}

/** Sort key of an address: IPv4 before IPv6, numerically. */
function addressKey(ip: string): bigint {
  const v4 = parseIPv4(ip);
  if (v4 !== undefined) return BigInt(v4);
  const v6 = parseIPv6(ip);
  return v6 === undefined ? -1n : (1n << 32n) + v6;
}

/** Report order of kinds: the most urgent first. */
const kindOrder = (kind: FindingKind): number => findingKind(kind)?.urgency ?? Number.MAX_SAFE_INTEGER;

/**
 * Findings in report order: critical devices first (notify/priority.ts), then by address (a
 * subscriber's findings together: one address is one device, so one priority), port, kind, id.
 * @example sortFindings(report.findings)
 */
export function sortFindings<T extends Pick<NotifiableFinding, 'ip' | 'port' | 'kind' | 'id' | 'deviceType'>>(findings: readonly T[]): T[] {
  const keys = new Map(findings.map((finding) => [finding.ip, addressKey(finding.ip)]));
  return [...findings].sort((a, b) => {
    const byPriority = notificationPriority(a) - notificationPriority(b);
    if (byPriority !== 0) return byPriority;
    const byAddress = keys.get(a.ip)! - keys.get(b.ip)!;
    if (byAddress !== 0n) return byAddress < 0n ? -1 : 1;
    if (a.ip !== b.ip) return a.ip < b.ip ? -1 : 1;
    return a.port - b.port || kindOrder(a.kind) - kindOrder(b.kind) || a.id - b.id;
  });
}

/**
 * Shadowserver's timestamp form: "YYYY-MM-DD HH:MM:SS", UTC. Unparseable input gives "".
 * @example shadowserverTime('2025-01-31T09:30:00.000Z') // '2025-01-31 09:30:00'
 */
export function shadowserverTime(iso: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? '' : new Date(time).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * RFC 3339 UTC with milliseconds (STIX, JSON). Unparseable input gives undefined.
 * @example isoTime('2025-01-31T18:30:00+09:00') // '2025-01-31T09:30:00.000Z'
 */
export function isoTime(iso: string | undefined): string | undefined {
  if (iso === undefined) return undefined;
  const time = Date.parse(iso);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/**
 * The report as JSON, schema "opennotice.report/1" (docs/notification-formats.md).
 * Additive changes (new optional fields) keep the version; anything a consumer could
 * trip over (renamed, removed or retyped fields) bumps it.
 */
import type { DeviceType, FindingKind } from '../../core/records.ts';
import { infectionFacts } from './evidence.ts';
import { isoTime, sortFindings, viewOf, type FindingView, type Severity } from './finding-view.ts';
import { reflectorReportType, reportTypeName } from './reflector-report-types.ts';
import { countByKind, programOf, type NotificationReport } from './report.ts';
import { singleLine } from './text.ts';

export const reportSchemaVersion = 'opennotice.report/1';

export interface JsonReportFinding {
  id: number;
  kind: FindingKind;
  status: 'open' | 'closed';
  severity: Severity;
  ip: string;
  /** null for darknet/honeypot observations (no service). */
  port: number | null;
  transport: 'tcp' | 'udp' | null;
  application: string | null;
  firstSeen: string;
  lastSeen: string;
  tags: string[];
  device: { vendor: string | null; model: string | null; type: DeviceType | null; firmwareVersion: string | null; releaseYear: number | null };
  network: { prefix: string | null; asn: number | null; asName: string | null; country: string | null };
  /** Kind-specific, non-secret facts (see the schema doc); never user names or commands. */
  details: Record<string, unknown>;
  confidence: number | null;
  adviceUrl: string | null;
}

export interface JsonReport {
  schema: typeof reportSchemaVersion;
  reportId: string;
  generatedAt: string;
  periodStart: string | null;
  periodEnd: string;
  program: { name: string; url: string | null; contact: string | null };
  isp: { id: string; name: string; language: 'ja' | 'en' };
  summary: { findings: number; addresses: number; byKind: Record<FindingKind, number>; bySeverity: Record<Severity, number> };
  findings: JsonReportFinding[];
}

function detailsOf(view: FindingView): Record<string, unknown> {
  const { finding } = view;
  switch (finding.kind) {
    case 'vulnerable-firmware':
      return {
        cves: view.cves.map((cve) => ({
          cveId: cve.cveId,
          baseScore: cve.baseScore ?? null,
          severity: cve.severity ?? null,
          kev: cve.kev,
          ransomware: cve.ransomware,
          priority: cve.priorityLabel ?? null,
        })),
        maxBaseScore: view.cvss ?? null,
        kev: view.kev ?? false,
      };
    case 'infected': {
      const facts = infectionFacts(finding);
      return { source: facts.source, family: facts.family ?? null, ports: facts.ports, packets: facts.packets ?? null, daysSeen: facts.daysSeen };
    }
    case 'reflector': {
      const reflection = view.reflection!;
      const type = reflectorReportType(finding, reflection);
      return {
        reportType: type ? reportTypeName(type, finding.ip) : null,
        request: reflection.request ?? null,
        requestBytes: reflection.requestBytes ?? null,
        replyBytes: reflection.replyBytes ?? null,
        replyPackets: reflection.replyPackets ?? null,
        amplification: reflection.amplification ?? null,
        facts: Object.fromEntries(reflection.facts),
      };
    }
    default:
      return {};
  }
}

const nullable = <T>(value: T | undefined): T | null => (value === undefined ? null : value);

/**
 * The report as a plain object (what `renderJsonReport` serialises).
 * @example buildJsonReport(report).summary.byKind.infected
 */
export function buildJsonReport(report: NotificationReport): JsonReport {
  const program = programOf(report);
  const views = sortFindings(report.findings).map((finding) => viewOf(finding, program));
  const bySeverity: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const view of views) bySeverity[view.severity]++;
  return {
    schema: reportSchemaVersion,
    reportId: report.reportId,
    generatedAt: isoTime(report.generatedAt) ?? report.generatedAt,
    periodStart: nullable(isoTime(report.periodStart)),
    periodEnd: isoTime(report.periodEnd) ?? report.periodEnd,
    program: { name: singleLine(program.name), url: nullable(program.url), contact: nullable(program.contact) },
    isp: { id: report.isp.id, name: singleLine(report.isp.name), language: report.isp.language },
    summary: {
      findings: views.length,
      addresses: new Set(views.map((view) => view.finding.ip)).size,
      byKind: countByKind(report.findings),
      bySeverity,
    },
    findings: views.map((view): JsonReportFinding => {
      const { finding } = view;
      const attribution = finding.attribution;
      return {
        id: finding.id,
        kind: finding.kind,
        status: finding.status,
        severity: view.severity,
        ip: finding.ip,
        port: nullable(view.port),
        transport: nullable(view.transport),
        application: nullable(view.application),
        firstSeen: isoTime(finding.firstSeen) ?? finding.firstSeen,
        lastSeen: isoTime(finding.lastSeen) ?? finding.lastSeen,
        tags: view.tags,
        device: {
          vendor: nullable(view.vendor),
          model: nullable(view.model),
          type: nullable(finding.deviceType),
          firmwareVersion: nullable(view.firmwareVersion),
          releaseYear: nullable(finding.releaseYear),
        },
        network: {
          prefix: nullable(attribution.prefix),
          asn: nullable(attribution.asn),
          asName: attribution.asName === undefined ? null : singleLine(attribution.asName),
          country: nullable(attribution.country?.toUpperCase()),
        },
        details: detailsOf(view),
        confidence: nullable(view.confidence),
        adviceUrl: nullable(view.adviceUrl),
      };
    }),
  };
}

/**
 * The report as JSON text (two-space indent, trailing newline).
 * @example writeFileSync('report.json', renderJsonReport(report))
 */
export function renderJsonReport(report: NotificationReport): string {
  return `${JSON.stringify(buildJsonReport(report), null, 2)}\n`;
}

/**
 * The ISP's CSV: Shadowserver's shared columns first, with their names, order and
 * timestamp form, so the scripts and IntelMQ parsers ISPs already run on Shadowserver
 * reports read it; then opennotice's own columns. docs/notification-formats.md lists them.
 */
import type { Cell } from '../../report/cells.ts';
import { renderCsv } from '../../report/cells.ts';
import { shadowserverTime, sortFindings, viewOf, type FindingView } from './finding-view.ts';
import { findingReportType } from './report-type.ts';
import { programOf, type NotificationReport } from './report.ts';
import { singleLine } from './text.ts';

/**
 * The columns every Shadowserver scan report begins with, in their order (their
 * report_schema, e.g. device_id and compromised_iot; `sic` was dropped by Shadowserver).
 */
export const shadowserverColumns = [
  'timestamp',
  'severity',
  'ip',
  'protocol',
  'port',
  'hostname',
  'tag',
  'asn',
  'geo',
  'region',
  'city',
  'naics',
  'hostname_source',
  'sector',
  'device_vendor',
  'device_type',
  'device_model',
  'device_version',
] as const;

/** opennotice's columns, after Shadowserver's. */
export const opennoticeColumns = [
  'finding_id',
  'kind',
  'application',
  'status',
  'first_seen',
  'last_seen',
  'prefix',
  'as_name',
  'isp',
  'release_year',
  'cve_ids',
  'cvss',
  'kev',
  'family',
  'confidence',
  'advice_url',
  // Reflectors (DDoS amplifiers): the request measured and what came back, with Shadowserver's
  // names where its reports have them (response_size, packets, amplification).
  'report_type',
  'request',
  'request_size',
  'response_size',
  'packets',
  'amplification',
] as const;

export const notificationCsvColumns = [...shadowserverColumns, ...opennoticeColumns] as const;

export type NotificationCsvColumn = (typeof notificationCsvColumns)[number];

/**
 * Amplification as the evidence holds it: two decimals at most, no trailing zeros.
 * @example amplificationText(30.4349) // '30.43'
 */
export const amplificationText = (value: number | undefined): string | undefined => (value === undefined ? undefined : String(Math.round(value * 100) / 100));

/**
 * The cells of one finding, by column name (the reflector report types add their own to these).
 * @example csvCellsOf(viewOf(finding, program), 'Example ISP').severity // 'high'
 */
export function csvCellsOf(view: FindingView, ispName: string): Record<NotificationCsvColumn, Cell> {
  const { finding } = view;
  const attribution = finding.attribution;
  const reflection = view.reflection;
  return {
    timestamp: shadowserverTime(finding.lastSeen),
    severity: view.severity,
    ip: finding.ip,
    protocol: view.transport,
    port: view.port,
    // Reverse DNS, location and industry codes: opennotice does not look them up.
    hostname: undefined,
    tag: view.tags.join(';'),
    asn: attribution.asn,
    geo: attribution.country?.toUpperCase(),
    region: undefined,
    city: undefined,
    naics: undefined,
    hostname_source: undefined,
    // Shadowserver's sector column: opennotice knows it for critical devices only.
    sector: finding.sector,
    device_vendor: view.vendor,
    device_type: finding.deviceType,
    device_model: view.model,
    device_version: view.firmwareVersion,
    finding_id: finding.id,
    kind: finding.kind,
    application: view.application,
    status: finding.status,
    first_seen: shadowserverTime(finding.firstSeen),
    last_seen: shadowserverTime(finding.lastSeen),
    prefix: attribution.prefix,
    as_name: attribution.asName === undefined ? undefined : singleLine(attribution.asName),
    isp: singleLine(attribution.ispName ?? ispName),
    release_year: finding.releaseYear,
    cve_ids: view.cves.map((cve) => cve.cveId).join(';') || undefined,
    cvss: view.cvss?.toFixed(1),
    kev: view.kev === undefined ? undefined : view.kev ? 'Y' : 'N',
    family: view.family,
    confidence: view.confidence?.toFixed(2),
    advice_url: view.adviceUrl,
    report_type: findingReportType(view),
    request: reflection?.request,
    request_size: reflection?.requestBytes,
    response_size: reflection?.replyBytes,
    packets: reflection?.replyPackets,
    amplification: amplificationText(reflection?.amplification),
  };
}

/**
 * The report as CSV (RFC 4180, CRLF, header row; cells a spreadsheet would run as a
 * formula are defused). `bom` prefixes a UTF-8 byte-order mark, which Excel needs to
 * read Japanese text correctly.
 * @example attachments.push({ filename: 'report.csv', content: renderShadowserverCsv(report) })
 */
export function renderShadowserverCsv(report: NotificationReport, options: { bom?: boolean } = {}): string {
  const program = programOf(report);
  const rows = sortFindings(report.findings).map((finding) => {
    const cells = csvCellsOf(viewOf(finding, program), report.isp.name);
    return notificationCsvColumns.map((column) => cells[column]);
  });
  return `${options.bom ? '\ufeff' : ''}${renderCsv(notificationCsvColumns, rows)}`;
}

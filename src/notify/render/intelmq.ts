/**
 * The report as IntelMQ events: one flat JSON object per line, keys from IntelMQ's
 * harmonization (the "IntelMQ Data Format"), so a CERT's IntelMQ reads the file with its
 * JSON parser (`splitlines: true`) and routes the events like any feed's.
 *
 * IntelMQ 3.5 added `severity` and `product.*`; older instances reject unknown keys, so
 * by default those values travel as `extra.*` (accepted by every 3.x). Pass
 * `{ idf: '3.5' }` for the new fields.
 */
import type { TlpLabel } from '../../core/tlp.ts';
import { findingKind } from '../../core/finding-kinds.ts';
import { sortFindings, viewOf, type FindingView } from './finding-view.ts';
import { reflectorReportType } from './reflector-report-types.ts';
import { programOf, type NotificationReport, type ProgramInfo } from './report.ts';
import { findingReportType } from './report-type.ts';
import { singleLine } from './text.ts';

/** Flat IntelMQ event: harmonization key → value. */
export type IntelMqEvent = Record<string, string | number | boolean | string[]>;

export interface IntelMqOptions {
  /** Which IntelMQ data format to target. Default 'classic' (IntelMQ 3.0–3.4). */
  idf?: 'classic' | '3.5';
  /** The TLP 2.0 label of every event. Default AMBER. */
  tlp?: TlpLabel;
}

/**
 * IntelMQ's `tlp` field takes TLP 1.0 keywords; CLEAR has an exact one, AMBER+STRICT none (AMBER
 * would loosen it) and RED its own, so the TLP 2.0 label also travels in `extra.tlp`, where every
 * label goes.
 */
const intelMqTlp1: Record<TlpLabel, string | undefined> = { CLEAR: 'WHITE', GREEN: 'GREEN', AMBER: 'AMBER', 'AMBER+STRICT': undefined, RED: 'RED' };

/** IntelMQ's DateTime form: "%Y-%m-%dT%H:%M:%S+00:00". */
function intelMqTime(iso: string): string | undefined {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? undefined : `${new Date(time).toISOString().slice(0, 19)}+00:00`;
}

/**
 * A reflector's measure as Shadowserver's parser in IntelMQ files the same columns
 * (extra.response_size, extra.amplification …), and the protocol's facts under the column
 * names of its Shadowserver report type (extra.server, extra.sysdesc …).
 */
function setReflection(set: (key: string, value: string | number | undefined) => void, view: FindingView): void {
  const reflection = view.reflection!;
  const type = reflectorReportType(view.finding, reflection);
  set('extra.request', reflection.request);
  set('extra.request_size', reflection.requestBytes);
  set('extra.response_size', reflection.replyBytes);
  set('extra.packets', reflection.replyPackets);
  set('extra.amplification', reflection.amplification);
  for (const column of type?.columns ?? []) set(`extra.${column.column}`, reflection.facts.get(column.fact));
}

function eventOf(view: FindingView, report: NotificationReport, program: ProgramInfo, idf: 'classic' | '3.5', tlp: TlpLabel): IntelMqEvent {
  const { finding } = view;
  const attribution = finding.attribution;
  // Kind → RSIT taxonomy and type (IntelMQ's allowed values) and our identifier, from the list of kinds.
  const classification = findingKind(finding.kind)!.intelMq;
  const event: IntelMqEvent = {};
  const set = (key: string, value: string | number | boolean | string[] | undefined) => {
    if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return;
    event[key] = value;
  };
  set('feed.name', `${singleLine(program.name)} ${finding.kind}`);
  set('feed.provider', singleLine(program.name));
  set('feed.documentation', program.url);
  if (view.confidence !== undefined) set('feed.accuracy', Math.round(view.confidence * 1000) / 10);
  set('time.source', intelMqTime(finding.lastSeen));
  set('time.observation', intelMqTime(report.generatedAt));
  set('classification.taxonomy', classification.taxonomy);
  set('classification.type', classification.type);
  set('classification.identifier', classification.identifier);
  set('event_description.text', view.application ? `${classification.description} (${view.application})` : classification.description);
  set('event_description.url', view.adviceUrl);
  set('source.ip', finding.ip);
  set('source.port', view.port);
  set('source.asn', attribution.asn);
  set('source.as_name', attribution.asName === undefined ? undefined : singleLine(attribution.asName));
  set('source.network', attribution.prefix);
  set('source.geolocation.cc', /^[A-Za-z]{2}$/.test(attribution.country ?? '') ? attribution.country!.toUpperCase() : undefined);
  set('source.abuse_contact', attribution.abuseEmail?.toLowerCase());
  set('protocol.transport', view.transport);
  set('protocol.application', view.application);
  set('status', finding.status === 'open' ? 'online' : 'offline');
  // IntelMQ requires printable ASCII, lower case, for malware.name.
  if (view.family && /^[ -~]+$/.test(view.family)) set('malware.name', view.family.toLowerCase());

  const cveList = view.cves.map((cve) => cve.cveId.toLowerCase()).join(';');
  if (idf === '3.5') {
    set('severity', view.severity);
    set('product.vendor', view.vendor);
    set('product.name', view.model);
    set('product.version', view.firmwareVersion);
    set('product.vulnerabilities', cveList);
  } else {
    set('extra.severity', view.severity);
    set('extra.device_vendor', view.vendor);
    set('extra.device_model', view.model);
    set('extra.device_version', view.firmwareVersion);
    set(
      'extra.cve_ids',
      view.cves.map((cve) => cve.cveId),
    );
  }
  set('extra.device_type', finding.deviceType);
  set('extra.release_year', finding.releaseYear);
  set('extra.finding_id', finding.id);
  set('extra.kind', finding.kind);
  set('extra.tag', view.tags.join(';'));
  set('extra.first_seen', intelMqTime(finding.firstSeen));
  if (view.cvss !== undefined) set('extra.cvss', view.cvss);
  if (view.kev !== undefined) set('extra.kev', view.kev);
  if (view.reflection) setReflection(set, view);
  set('extra.isp', singleLine(attribution.ispName ?? report.isp.name));
  set('extra.report_id', report.reportId);
  // The Shadowserver report it belongs to (scan_telnet, scan6_telnet, scan_ssdp …), for pipelines that route by it.
  set('extra.report_type', findingReportType(view));
  set('extra.tlp', tlp);
  set('tlp', intelMqTlp1[tlp]);
  return event;
}

/**
 * The events as objects (tests, or a pipeline that pushes them itself).
 * @example intelMqEvents(report)[0]['classification.type'] // 'vulnerable-system'
 */
export function intelMqEvents(report: NotificationReport, options: IntelMqOptions = {}): IntelMqEvent[] {
  const program = programOf(report);
  return sortFindings(report.findings).map((finding) => eventOf(viewOf(finding, program), report, program, options.idf ?? 'classic', options.tlp ?? 'AMBER'));
}

/**
 * One JSON object per line, LF line ends (IntelMQ's JSON parser with `splitlines: true`).
 * @example writeFileSync('events.jsonl', renderIntelMqEvents(report))
 */
export function renderIntelMqEvents(report: NotificationReport, options: IntelMqOptions = {}): string {
  return intelMqEvents(report, options)
    .map((event) => `${JSON.stringify(event)}\n`)
    .join('');
}

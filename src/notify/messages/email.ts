/**
 * The e-mail to an ISP: a cover text (how many findings of each kind, what is attached,
 * what to do) and the report files — CSV, JSON, STIX, IntelMQ events, and the notices to
 * forward to subscribers. Transport-neutral: the SMTP/webhook/file code decides how to
 * encode it; the subject is one line of plain text whatever the devices said.
 */
import { renderIntelMqEvents } from '../render/intelmq.ts';
import { renderJsonReport } from '../render/json-report.ts';
import { countByKind, programOf, type NotificationReport } from '../render/report.ts';
import { findingKindsByUrgency } from '../../core/finding-kinds.ts';
import { renderReflectorCsvs } from '../render/reflector-csv.ts';
import { renderShadowserverCsv } from '../render/shadowserver-csv.ts';
import type { TlpLabel } from '../../core/tlp.ts';
import { renderStixBundle } from '../render/stix.ts';
import { fileToken, singleLine } from '../render/text.ts';
import { fill } from './interpolate.ts';
import { formatTime, renderNoticesFile } from './notices.ts';
import { attachmentFormats, type AttachmentFormat, type MessageLanguage, type MessageTemplates } from './templates.ts';

export interface EmailAttachment {
  filename: string;
  contentType: string;
  content: string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  attachments: EmailAttachment[];
}

export interface EmailOptions {
  templates: MessageTemplates;
  /** Default: the ISP's language. */
  language?: MessageLanguage;
  /** Which files to attach, in this order. Default: all (csv, json, stix, intelmq, notices). */
  formats?: readonly AttachmentFormat[];
  /** TLP marking of the STIX bundle. Default amber. */
  tlp?: TlpLabel;
  /** UTF-8 byte-order mark on the CSV (Excel needs it for Japanese). Default false. */
  csvBom?: boolean;
}

const contentTypes: Record<AttachmentFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
  stix: 'application/stix+json;version=2.1',
  intelmq: 'application/x-ndjson',
  notices: 'text/plain; charset=utf-8',
};

/** A file and the line that describes it in the cover text. */
interface DescribedAttachment {
  file: EmailAttachment;
  description: string;
}

function attachments(
  format: AttachmentFormat,
  report: NotificationReport,
  base: string,
  options: EmailOptions,
  language: MessageLanguage,
): DescribedAttachment[] {
  const texts = options.templates[language];
  const one = (file: EmailAttachment): DescribedAttachment[] => [{ file, description: texts.formats[format] }];
  switch (format) {
    case 'csv':
      // The combined CSV, then one per Shadowserver report type for the reflectors (scan_ssdp …),
      // so tooling that routes Shadowserver's reports by name routes these too.
      return [
        ...one({ filename: `${base}.csv`, contentType: contentTypes.csv, content: renderShadowserverCsv(report, { bom: options.csvBom }) }),
        ...renderReflectorCsvs(report, { bom: options.csvBom }).map((csv) => ({
          file: { filename: `${base}-${csv.reportType}.csv`, contentType: contentTypes.csv, content: csv.content },
          description: fill(texts.reflectorCsv, { reportType: csv.reportType, title: csv.title, count: csv.findings }),
        })),
      ];
    case 'json':
      return one({ filename: `${base}.json`, contentType: contentTypes.json, content: renderJsonReport(report) });
    case 'stix':
      return one({
        filename: `${base}.stix.json`,
        contentType: contentTypes.stix,
        content: `${JSON.stringify(renderStixBundle(report, { tlp: options.tlp }), null, 2)}\n`,
      });
    case 'intelmq':
      return one({ filename: `${base}.intelmq.jsonl`, contentType: contentTypes.intelmq, content: renderIntelMqEvents(report) });
    case 'notices':
      return one({
        filename: `${base}-notices-${language}.txt`,
        contentType: contentTypes.notices,
        content: renderNoticesFile(report, { templates: options.templates, language }),
      });
  }
}

/** The earliest first sighting, when the report gives no period start. */
function periodStartOf(report: NotificationReport): string {
  if (report.periodStart) return report.periodStart;
  const times = report.findings.map((finding) => finding.firstSeen).filter((time) => !Number.isNaN(Date.parse(time)));
  return times.length > 0 ? times.reduce((a, b) => (Date.parse(b) < Date.parse(a) ? b : a)) : report.periodEnd;
}

/**
 * @example
 * const templates = loadMessageTemplates();
 * const { subject, text, attachments } = renderEmail(report, { templates });
 */
export function renderEmail(report: NotificationReport, options: EmailOptions): RenderedEmail {
  const language = options.language ?? report.isp.language;
  const texts = options.templates[language];
  const program = programOf(report);
  const periodEnd = report.periodEnd;
  const base = `${fileToken(program.name)}-${fileToken(report.isp.id)}-${formatTime(periodEnd, 0, '{year}{month2}{day2}')}-${fileToken(report.reportId)}`;
  const files = (options.formats ?? attachmentFormats).flatMap((format) => attachments(format, report, base, options, language));

  const counts = countByKind(report.findings);
  const kindCounts = findingKindsByUrgency
    .filter((kind) => counts[kind] > 0)
    .map((kind) => fill(texts.cover.kindLine, { kindName: texts.kindNames[kind], count: counts[kind] }))
    .join('\n');
  const attachmentList = files.map(({ file, description }) => fill(texts.cover.attachmentLine, { filename: file.filename, description })).join('\n');
  const date = (iso: string) => formatTime(iso, texts.time.offsetMinutes, texts.time.date);
  const values = {
    program: program.name,
    isp: report.isp.name,
    total: report.findings.length,
    addresses: new Set(report.findings.map((finding) => finding.ip)).size,
    periodStart: date(periodStartOf(report)),
    periodEnd: date(periodEnd),
    reportId: report.reportId,
    generatedAt: formatTime(report.generatedAt, texts.time.offsetMinutes, texts.time.dateTime),
    contact: program.contact,
    programUrl: program.url,
  };
  return {
    subject: singleLine(fill(texts.cover.subject, values), 250),
    text: `${fill(texts.cover.body, values, { kindCounts, attachments: attachmentList })}\n`,
    attachments: files.map(({ file }) => file),
  };
}

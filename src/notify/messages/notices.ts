/**
 * The notices an ISP forwards to its subscribers: one per address, covering every open
 * finding there, in the subscriber's language. What was found, why it matters, what to
 * do — in plain words, with the device's vendor and model when known so the subscriber
 * can tell which device is meant, and never a password or user name.
 */
import type { FindingKind, NotifiableFinding } from '../../core/records.ts';
import { sortFindings, viewOf } from '../render/finding-view.ts';
import { programOf, type NotificationReport } from '../render/report.ts';
import { findingKindsByUrgency } from '../../core/finding-kinds.ts';
import { deviceStepsOf } from './device-advice.ts';
import { fill } from './interpolate.ts';
import { reflectorProtocols, type LanguageTemplates, type MessageLanguage, type MessageTemplates, type ReflectorProtocol } from './templates.ts';

export interface SubscriberNotice {
  ip: string;
  findingIds: number[];
  /** Latest observation among the findings (ISO-8601): the ISP needs it to find who used the address then. */
  lastSeen: string;
  subject: string;
  text: string;
}

export interface NoticeOptions {
  templates: MessageTemplates;
  /** Default: the ISP's language. */
  language?: MessageLanguage;
}

const pad = (value: number) => String(value).padStart(2, '0');

/**
 * A time in the templates' offset and pattern; unparseable input is returned as given.
 * @example formatTime('2025-01-31T15:30:00Z', ja.time.offsetMinutes, ja.time.dateTime) // '2025年2月1日 00:30（日本時間）'
 */
export function formatTime(iso: string, offsetMinutes: number, pattern: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  const local = new Date(time + offsetMinutes * 60_000);
  const month = local.getUTCMonth() + 1;
  const day = local.getUTCDate();
  return fill(pattern, {
    year: local.getUTCFullYear(),
    month,
    day,
    month2: pad(month),
    day2: pad(day),
    hour: pad(local.getUTCHours()),
    minute: pad(local.getUTCMinutes()),
  });
}

/** "Korvan IPC-2120", without repeating a vendor the model already starts with. */
function deviceName(vendor: string | undefined, model: string | undefined): string | undefined {
  if (!vendor) return model;
  if (!model) return vendor;
  return model.toLowerCase().startsWith(vendor.toLowerCase()) ? model : `${vendor} ${model}`;
}

const latest = (times: readonly string[]) => times.reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a));

/** The protocol's own reflector texts, or `other`'s. */
const reflectorProtocolOf = (protocol: string): ReflectorProtocol =>
  (reflectorProtocols as readonly string[]).includes(protocol.toLowerCase()) ? (protocol.toLowerCase() as ReflectorProtocol) : 'other';

function kindSection(kind: FindingKind, findings: readonly NotifiableFinding[], report: NotificationReport, texts: LanguageTemplates): string {
  const program = programOf(report);
  const views = findings.map((finding) => viewOf(finding, program));
  const names = [...new Set(views.flatMap((view) => deviceName(view.vendor, view.model) ?? []))];
  const device = names.length > 0 ? fill(texts.device.named, { name: names.slice(0, 3).join(', ') }) : texts.device.unnamed;
  const values = {
    time: formatTime(latest(findings.map((finding) => finding.lastSeen)), texts.time.offsetMinutes, texts.time.dateTime),
    device,
    ip: findings[0]!.ip,
    adviceUrl: program.adviceUrls?.[kind],
    program: program.name,
    isp: report.isp.name,
  };
  const template = texts.notice.kinds[kind];
  const steps = deviceSteps(kind, findings, texts);
  if (kind !== 'reflector') return `${template.title}\n${fill(template.body, values)}${steps}`;
  // A reflector's findings at one address are all of one protocol (the caller groups them so).
  const protocol = texts.notice.reflector[reflectorProtocolOf(findings[0]!.protocol)];
  const factors = views.flatMap((view) => view.reflection?.amplification ?? []);
  // "about 30 times": a subscriber needs the scale, not the decimals; below 2 it says nothing useful.
  const amplification = factors.length > 0 && Math.max(...factors) >= 2 ? Math.round(Math.max(...factors)) : undefined;
  const title = fill(template.title, { service: protocol.service });
  const body = fill(template.body, { ...values, service: protocol.service, amplification }, { advice: protocol.advice });
  return `${title}\n${body}${steps}`;
}

/**
 * The steps for the kind of device found (a camera's RTSP accounts, a router's remote
 * administration …) after the kind's own text; nothing when the device type is not known,
 * since the kind's text already says what any device needs.
 */
function deviceSteps(kind: FindingKind, findings: readonly NotifiableFinding[], texts: LanguageTemplates): string {
  if (!texts.deviceAdvice) return '';
  const steps = deviceStepsOf(texts.deviceAdvice, findings.find((finding) => finding.deviceType && finding.deviceType !== 'other')?.deviceType, kind);
  if (!steps) return '';
  return `\n${texts.deviceAdvice.stepsHeading.replace('{device}', steps.deviceName)}\n${steps.steps.map((step) => `  - ${step}`).join('\n')}`;
}

/** Findings of one kind at one address, as sections: one per kind, and for reflectors one per protocol's advice. */
function sectionGroups(findings: readonly NotifiableFinding[]): NotifiableFinding[][] {
  return findingKindsByUrgency.flatMap((kind) => {
    const ofKind = findings.filter((finding) => finding.kind === kind);
    if (ofKind.length === 0) return [];
    if (kind !== 'reflector') return [ofKind];
    return [...Map.groupBy(ofKind, (finding) => reflectorProtocolOf(finding.protocol)).values()];
  });
}

/**
 * One notice per address with open findings, in address order.
 * @example for (const notice of renderSubscriberNotices(report, { templates })) portal.publish(notice.ip, notice.text)
 */
export function renderSubscriberNotices(report: NotificationReport, options: NoticeOptions): SubscriberNotice[] {
  const texts = options.templates[options.language ?? report.isp.language];
  const program = programOf(report);
  const byAddress = Map.groupBy(
    sortFindings(report.findings).filter((finding) => finding.status === 'open'),
    (finding) => finding.ip,
  );
  return [...byAddress].map(([ip, findings]) => {
    const common = { program: program.name, isp: report.isp.name, programUrl: program.url, contact: program.contact, ip };
    const sections = sectionGroups(findings).map((group) => kindSection(group[0]!.kind, group, report, texts));
    const text = [fill(texts.notice.opening, common), ...sections, fill(texts.notice.closing, common)].join('\n\n');
    return {
      ip,
      findingIds: findings.map((finding) => finding.id),
      lastSeen: latest(findings.map((finding) => finding.lastSeen)),
      subject: fill(texts.notice.subject, common),
      text: `${text}\n`,
    };
  });
}

/**
 * All notices in one text file for the ISP: a header per address (address, time,
 * subject), then the text to forward.
 * @example attachments.push({ filename: 'notices-ja.txt', content: renderNoticesFile(report, { templates }) })
 */
export function renderNoticesFile(report: NotificationReport, options: NoticeOptions): string {
  const texts = options.templates[options.language ?? report.isp.language];
  return renderSubscriberNotices(report, options)
    .map((notice) => {
      const header = fill(texts.notice.header, {
        ip: notice.ip,
        count: notice.findingIds.length,
        subject: notice.subject,
        time: formatTime(notice.lastSeen, texts.time.offsetMinutes, texts.time.dateTime),
      });
      return `${header}\n\n${notice.text}`;
    })
    .join('\n');
}

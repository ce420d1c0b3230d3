/**
 * Accumulate, then batch: one report per ISP with its findings that are new, or due for a
 * reminder (select.ts), less the hold-out's control findings still waiting (track/holdout.ts).
 * The report, the findings it carries and one outbox entry per channel are written in one
 * transaction; delivery is the outbox's job (outbox.ts). The report's idempotency key is a
 * hash of the ISP and the finding ids, so a re-run after a crash finds it instead of making
 * a second one.
 */
import { createHash } from 'node:crypto';
import type { NotifiableFinding } from '../core/records.ts';
import type { IspAttributionStore, IspRecord } from '../store/roles/isp-attribution.ts';
import type { OutboxEntryInput, ReportStore } from '../store/roles/reports.ts';
import type { HoldoutPolicy } from '../track/holdout.ts';
import { bulkFixPart } from './bulk-fix-attachments.ts';
import { renderEmail } from './messages/email.ts';
import type { AttachmentFormat, MessageTemplates } from './messages/templates.ts';
import { buildJsonReport } from './render/json-report.ts';
import { countByKind, type NotificationReport, type ProgramInfo } from './render/report.ts';
import { dueFindings } from './due-findings.ts';
import { encodeMessage } from './outbox.ts';
import type { OutgoingMessage } from './transports/types.ts';

export interface BuildReportsOptions {
  store: IspAttributionStore & ReportStore;
  templates: MessageTemplates;
  /** Sender address of the e-mails. */
  from: string;
  now: string;
  program?: ProgramInfo;
  renotifyAfterDays?: number;
  holdout?: HoldoutPolicy;
  /** Also queue a copy of every report for the file drop (an archive, or for ISPs that pick files up). */
  fileDrop?: boolean;
  /** Build and count, write nothing. */
  dryRun?: boolean;
}

export interface IspReportResult {
  ispId: string;
  ispName: string;
  fresh: number;
  reminders: number;
  held: number;
  /** Set when a report was made (or found made before: created false). */
  reportId?: number;
  created?: boolean;
  channels: string[];
  /** Why nothing was sent, when nothing was. */
  note?: string;
}

/** The files an ISP asked for, plus the notices it forwards to subscribers. */
function formatsFor(isp: IspRecord): AttachmentFormat[] {
  return [isp.preferences.format, 'notices'];
}

function idempotencyKey(isp: IspRecord, findings: readonly NotifiableFinding[]): string {
  const ids = findings
    .map((finding) => finding.id)
    .sort((a, b) => a - b)
    .join(',');
  return `isp/${isp.id}/${createHash('sha256').update(ids).digest('hex').slice(0, 24)}`;
}

function outboxEntries(isp: IspRecord, key: string, message: OutgoingMessage, options: BuildReportsOptions): OutboxEntryInput[] {
  const entries: OutboxEntryInput[] = [];
  if (isp.contacts.abuseEmail)
    entries.push({
      channel: 'smtp',
      destination: isp.contacts.abuseEmail,
      idempotencyKey: `${key}/smtp`,
      payload: encodeMessage({ ...message, json: undefined, idempotencyKey: `${key}/smtp`, to: [isp.contacts.abuseEmail] }),
    }); // SMTP carries no JSON body
  if (isp.contacts.webhookUrl)
    entries.push({
      channel: 'webhook',
      destination: isp.contacts.webhookUrl,
      idempotencyKey: `${key}/webhook`,
      payload: encodeMessage({ ...message, idempotencyKey: `${key}/webhook` }),
    });
  if (options.fileDrop)
    entries.push({
      channel: 'file',
      destination: isp.id,
      idempotencyKey: `${key}/file`,
      payload: encodeMessage({ ...message, idempotencyKey: `${key}/file` }),
    });
  return entries;
}

/**
 * @example const results = await buildIspReports({ store, templates: loadMessageTemplates(), from: 'notice@program.example', now: new Date().toISOString() })
 */
export async function buildIspReports(options: BuildReportsOptions): Promise<IspReportResult[]> {
  const results: IspReportResult[] = [];
  for (const isp of await options.store.listIsps()) {
    const { open, selection, findings } = await dueFindings(options.store, { ispId: isp.id }, options);
    const result: IspReportResult = {
      ispId: isp.id,
      ispName: isp.name,
      fresh: selection.fresh.length,
      reminders: selection.reminders.length,
      held: selection.held,
      channels: [],
    };
    results.push(result);
    if (findings.length === 0) {
      result.note = 'nothing new or due';
      continue;
    }
    const key = idempotencyKey(isp, findings);
    const report: NotificationReport = {
      reportId: key,
      isp: { id: isp.id, name: isp.name, language: isp.preferences.language },
      generatedAt: options.now,
      periodEnd: options.now,
      findings,
      ...(options.program ? { program: options.program } : {}),
    };
    const email = renderEmail(report, { templates: options.templates, formats: formatsFor(isp) });
    // An ISP that manages the devices also gets its whole open work list by model, not only this batch.
    const bulkFix = isp.managesCustomerDevices ? bulkFixPart(isp, open, options.now) : undefined;
    if (bulkFix) {
      email.attachments.push(...bulkFix.attachments);
      email.text = `${email.text}\n${bulkFix.coverNote}\n`;
    }
    const message: OutgoingMessage = {
      idempotencyKey: key,
      from: options.from,
      to: [],
      subject: email.subject,
      text: email.text,
      attachments: email.attachments,
      json: buildJsonReport(report),
    };
    const outbox = outboxEntries(isp, key, message, options);
    result.channels = outbox.map((entry) => `${entry.channel}:${entry.destination}`);
    if (outbox.length === 0) {
      result.note = 'no contact: set an abuse e-mail or webhook in the ISP registry';
      continue;
    }
    if (options.dryRun) continue;
    const written = await options.store.createReport({
      ispId: isp.id,
      audience: 'isp',
      createdAt: options.now,
      periodEnd: options.now,
      idempotencyKey: key,
      findingIds: findings.map((finding) => finding.id),
      summary: { ...countByKind(findings), reminders: selection.reminders.length },
      outbox,
    });
    result.reportId = written.reportId;
    result.created = written.created;
  }
  return results;
}

/**
 * Reports to system integrators: one per integrator, with the open findings in the ranges it
 * manages (attribution marks them: attribution.integratorId). Same path as the ISP reports
 * (build-reports.ts): accumulate and batch by the same selection and re-notification policy,
 * the hold-out respected, one transaction writing the report (audience 'integrator'), its
 * findings and its outbox entries; the outbox delivers. The attachments are the ISP report's
 * Shadowserver-style CSV and the subscriber notices in the integrator's language; the cover
 * text is the integrator's own, because it fixes the devices itself instead of forwarding.
 */
import { createHash } from 'node:crypto';
import type { NotifiableFinding } from '../core/records.ts';
import type { IntegratorRecord, IntegratorStore } from '../store/roles/integrators.ts';
import type { IspAttributionStore } from '../store/roles/isp-attribution.ts';
import type { OutboxEntryInput, ReportStore } from '../store/roles/reports.ts';
import type { HoldoutPolicy } from '../track/holdout.ts';
import { renderEmail } from './messages/email.ts';
import { integratorCover } from './messages/integrator-cover.ts';
import type { MessageTemplates } from './messages/templates.ts';
import { dueFindings } from './due-findings.ts';
import { encodeMessage } from './outbox.ts';
import { countByKind, type NotificationReport, type ProgramInfo } from './render/report.ts';
import type { OutgoingMessage } from './transports/types.ts';

export interface IntegratorReportsOptions {
  store: IspAttributionStore & IntegratorStore & ReportStore;
  templates: MessageTemplates;
  from: string;
  now: string;
  program?: ProgramInfo;
  renotifyAfterDays?: number;
  holdout?: HoldoutPolicy;
  /** Also queue a copy of every report for the file drop. */
  fileDrop?: boolean;
  /** Build and count, write nothing. */
  dryRun?: boolean;
}

export interface IntegratorReportResult {
  integratorId: string;
  integratorName: string;
  fresh: number;
  reminders: number;
  held: number;
  reportId?: number;
  created?: boolean;
  channels: string[];
  note?: string;
}

function idempotencyKey(integrator: IntegratorRecord, findings: readonly NotifiableFinding[]): string {
  const ids = findings
    .map((finding) => finding.id)
    .sort((a, b) => a - b)
    .join(',');
  return `integrator/${integrator.id}/${createHash('sha256').update(ids).digest('hex').slice(0, 24)}`;
}

function outboxEntries(integrator: IntegratorRecord, key: string, message: OutgoingMessage, fileDrop: boolean): OutboxEntryInput[] {
  const entries: OutboxEntryInput[] = [
    {
      channel: 'smtp',
      destination: integrator.contacts.email,
      idempotencyKey: `${key}/smtp`,
      payload: encodeMessage({ ...message, idempotencyKey: `${key}/smtp`, to: [integrator.contacts.email] }),
    },
  ];
  if (fileDrop)
    entries.push({
      channel: 'file',
      destination: `integrator-${integrator.id}`,
      idempotencyKey: `${key}/file`,
      payload: encodeMessage({ ...message, idempotencyKey: `${key}/file` }),
    });
  return entries;
}

/**
 * @example const results = await buildIntegratorReports({ store, templates: loadMessageTemplates(), from: 'notice@program.example', now: new Date().toISOString() })
 */
export async function buildIntegratorReports(options: IntegratorReportsOptions): Promise<IntegratorReportResult[]> {
  const results: IntegratorReportResult[] = [];
  for (const integrator of await options.store.listIntegrators()) {
    const { selection, findings } = await dueFindings(options.store, { integratorId: integrator.id }, options);
    const result: IntegratorReportResult = {
      integratorId: integrator.id,
      integratorName: integrator.name,
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
    const key = idempotencyKey(integrator, findings);
    const language = integrator.contacts.language;
    // The renderers address "the ISP" of a report: for these files that is the integrator.
    const report: NotificationReport = {
      reportId: key,
      isp: { id: integrator.id, name: integrator.name, language },
      generatedAt: options.now,
      periodEnd: options.now,
      findings,
      ...(options.program ? { program: options.program } : {}),
    };
    const files = renderEmail(report, { templates: options.templates, formats: ['csv', 'notices'] }).attachments;
    const cover = integratorCover(report, files, options.templates);
    const message: OutgoingMessage = { idempotencyKey: key, from: options.from, to: [], subject: cover.subject, text: cover.text, attachments: files };
    const outbox = outboxEntries(integrator, key, message, Boolean(options.fileDrop));
    result.channels = outbox.map((entry) => `${entry.channel}:${entry.destination}`);
    if (options.dryRun) continue;
    const written = await options.store.createReport({
      integratorId: integrator.id,
      audience: 'integrator',
      createdAt: options.now,
      periodEnd: options.now,
      idempotencyKey: key,
      findingIds: findings.map((finding) => finding.id),
      summary: { ...countByKind(findings), reminders: selection.reminders.length, integrator: integrator.id },
      outbox,
    });
    result.reportId = written.reportId;
    result.created = written.created;
  }
  return results;
}

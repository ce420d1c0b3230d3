/**
 * Reports to the sectors of critical devices: for each sector with contacts in the ISP registry
 * file (attribution/sector-contacts.ts), one report of every open finding on the sector's
 * critical devices, queued through the outbox like the ISP reports — one SMTP delivery per
 * contact, in the contact's language. This is in addition to the ISP's own report: the sector's
 * contacts (an ISAC, a sector CSIRT) can reach owners that the ISP cannot.
 *
 * The report is keyed by its sector and the findings it carries: the same open set is not sent
 * twice; a new finding (or one fixed) makes the next report, with the whole current list.
 */
import { createHash } from 'node:crypto';
import type { SectorContact } from '../attribution/sector-contacts.ts';
import type { CriticalSector, NotifiableFinding } from '../core/records.ts';
import type { IspAttributionStore } from '../store/roles/isp-attribution.ts';
import type { OutboxEntryInput, ReportStore } from '../store/roles/reports.ts';
import { encodeMessage } from './outbox.ts';
import { countByKind, type ProgramInfo } from './render/report.ts';
import { renderSectorReportCsv, renderSectorReportText, type SectorReport } from './render/sector-report.ts';

export interface SectorReportOptions {
  store: IspAttributionStore & ReportStore;
  /** From the ISP registry file's `sectorContacts`. */
  contacts: readonly SectorContact[];
  /** Sender address of the e-mails. */
  from: string;
  now: string;
  program?: ProgramInfo;
  /** Build and count, write nothing. */
  dryRun?: boolean;
}

export interface SectorReportResult {
  sector: CriticalSector;
  devices: number;
  findings: number;
  /** `smtp:address` of each delivery queued (or that would be). */
  channels: string[];
  reportId?: number;
  /** False when the same report (same findings) was made before. */
  created?: boolean;
  /** Why nothing was queued, when nothing was. */
  note?: string;
}

/**
 * @example const results = await buildSectorReports({ store, contacts: readSectorContacts('isps.yaml'), from: 'notice@program.example', now })
 */
export async function buildSectorReports(options: SectorReportOptions): Promise<SectorReportResult[]> {
  const open = (await options.store.listNotifiableFindings({ status: 'open' })).filter((finding) => finding.deviceType === 'critical');
  const bySector = Map.groupBy(open, (finding): CriticalSector => finding.sector ?? 'other');
  const results: SectorReportResult[] = [];
  for (const [sector, findings] of [...bySector].sort((a, b) => a[0].localeCompare(b[0]))) {
    const contacts = options.contacts.filter((contact) => contact.sector === sector);
    const result: SectorReportResult = { sector, devices: new Set(findings.map((finding) => finding.ip)).size, findings: findings.length, channels: [] };
    results.push(result);
    if (contacts.length === 0) {
      result.note = `no contact for sector ${sector}: add one under sectorContacts in the ISP registry file`;
      continue;
    }
    const key = idempotencyKey(sector, findings);
    const report: SectorReport = { reportId: key, sector, generatedAt: options.now, findings, ...(options.program ? { program: options.program } : {}) };
    const outbox = contacts.map((contact) => outboxEntry(report, contact, key, options));
    result.channels = outbox.map((entry) => `${entry.channel}:${entry.destination}`);
    if (options.dryRun) continue;
    const written = await options.store.createReport({
      audience: 'sector',
      createdAt: options.now,
      periodEnd: options.now,
      idempotencyKey: key,
      findingIds: findings.map((finding) => finding.id),
      summary: { sector, devices: result.devices, ...countByKind(findings) },
      outbox,
    });
    result.reportId = written.reportId;
    result.created = written.created;
  }
  return results;
}

function idempotencyKey(sector: CriticalSector, findings: readonly NotifiableFinding[]): string {
  const ids = findings
    .map((finding) => finding.id)
    .sort((a, b) => a - b)
    .join(',');
  return `sector/${sector}/${createHash('sha256').update(ids).digest('hex').slice(0, 24)}`;
}

function outboxEntry(report: SectorReport, contact: SectorContact, key: string, options: SectorReportOptions): OutboxEntryInput {
  const { subject, text } = renderSectorReportText(report, contact.language);
  const deliveryKey = `${key}/smtp/${contact.email.toLowerCase()}`;
  return {
    channel: 'smtp',
    destination: contact.email,
    idempotencyKey: deliveryKey,
    payload: encodeMessage({
      idempotencyKey: deliveryKey,
      from: options.from,
      to: [contact.email],
      subject,
      text,
      attachments: [{ filename: `${report.sector}-critical-devices.csv`, contentType: 'text/csv; charset=utf-8', content: renderSectorReportCsv(report) }],
    }),
  };
}

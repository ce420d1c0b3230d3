/**
 * Per-vendor reports for manufacturers: open findings of identified devices grouped by model
 * and firmware (never an address), one report per vendor, written through the file drop
 * (atomic, and a report already written is not written again) and recorded in the store
 * (audience 'vendor') so the programme knows what each manufacturer was told and when.
 * Manufacturers rarely have a machine-readable intake, so files are the channel; the
 * operator forwards them through the vendor's PSIRT contact (or JPCERT/CC's coordination).
 */
import { createHash } from 'node:crypto';
import type { IspAttributionStore } from '../store/roles/isp-attribution.ts';
import type { ReportStore } from '../store/roles/reports.ts';
import { buildVendorReport, renderVendorReportCsv, renderVendorReportJson } from './render/vendor-report.ts';
import { createFileDropTransport } from './transports/index.ts';

export interface VendorReportResult {
  vendor: string;
  devices: number;
  models: number;
  reportId?: number;
  /** False when the same report (same findings) was made before. */
  created?: boolean;
  /** Why it was not written, when it was not. */
  note?: string;
}

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '') || 'vendor';

/**
 * @example await writeVendorReports({ store, directory: 'var/vendor-reports', now: new Date().toISOString() })
 */
export async function writeVendorReports(options: {
  store: IspAttributionStore & ReportStore;
  directory: string;
  now: string;
  from?: string;
  dryRun?: boolean;
}): Promise<VendorReportResult[]> {
  const open = (await options.store.listNotifiableFindings({ status: 'open' })).filter((finding) => finding.vendor !== undefined);
  const byVendor = Map.groupBy(open, (finding) => finding.vendor!);
  const drop = createFileDropTransport({ directory: options.directory, now: () => new Date(options.now) });
  const results: VendorReportResult[] = [];
  for (const [vendor, findings] of [...byVendor].sort((a, b) => a[0].localeCompare(b[0]))) {
    const ids = findings.map((finding) => finding.id).sort((a, b) => a - b);
    const key = `vendor/${slug(vendor)}/${createHash('sha256').update(ids.join(',')).digest('hex').slice(0, 24)}`;
    const report = buildVendorReport({ reportId: key, generatedAt: options.now, findings, vendor });
    const devices = new Set(findings.map((finding) => finding.ip)).size;
    const result: VendorReportResult = { vendor, devices, models: new Set(report.rows.map((row) => row.model)).size };
    results.push(result);
    if (options.dryRun) continue;
    const outcome = await drop.send({
      idempotencyKey: key,
      from: options.from ?? 'notice@opennotice.invalid',
      to: [],
      subject: `[opennotice] ${vendor}: ${devices} devices with open findings, by model and firmware`,
      text: `Devices of ${vendor} found by the survey with weak or default credentials, known-vulnerable firmware, or infected, grouped by model and firmware version. No addresses are included.\n`,
      attachments: [
        { filename: `${slug(vendor)}-devices.csv`, contentType: 'text/csv; charset=utf-8', content: renderVendorReportCsv(report) },
        { filename: `${slug(vendor)}-devices.json`, contentType: 'application/json', content: renderVendorReportJson(report) },
      ],
    });
    if (outcome.status !== 'delivered') {
      result.note = outcome.detail;
      continue;
    }
    const written = await options.store.createReport({
      audience: 'vendor',
      createdAt: options.now,
      periodEnd: options.now,
      idempotencyKey: key,
      findingIds: ids,
      summary: { vendor, devices, models: result.models },
      outbox: [],
    });
    result.reportId = written.reportId;
    result.created = written.created;
  }
  return results;
}

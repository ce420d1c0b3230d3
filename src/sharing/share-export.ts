/**
 * A share plan rendered into files, one per format and TLP label, and written to a folder.
 * Both rendering and writing run the hard checks on what they produce: no TLP:RED item or
 * file, and, for masked and aggregated shares, no full subscriber address in any byte.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { intelMqEvents } from '../notify/render/intelmq.ts';
import type { NotificationReport, ProgramInfo } from '../notify/render/report.ts';
import { renderShadowserverCsv } from '../notify/render/shadowserver-csv.ts';
import { renderStixBundle } from '../notify/render/stix.ts';
import { assertNoAddressLeak } from './leak-guard.ts';
import { mispEvent } from './misp-event.ts';
import type { SharingFormat } from './recipient.ts';
import type { AggregatedCell, SharedFinding, SharePlan } from './share-plan.ts';
import { tlpLabels, type TlpLabel } from '../core/tlp.ts';
import { assertShareable } from './tlp.ts';

export interface ShareFile {
  name: string;
  format: SharingFormat;
  tlp: TlpLabel;
  /** Findings or cells in the file. */
  items: number;
  text: string;
}

export interface ShareRenderRequest {
  plan: SharePlan;
  /** ISO-8601 UTC: the export's time, in names and `created` fields. */
  generatedAt: string;
  program?: ProgramInfo;
}

const extensions: Record<SharingFormat, string> = {
  misp: 'misp.json',
  stix: 'stix.json',
  intelmq: 'intelmq.jsonl',
  'shadowserver-csv': 'csv',
  'counts-json': 'counts.json',
};

/** "amber+strict" → "amber-strict": file names stay portable. */
const labelSlug = (label: TlpLabel) => label.toLowerCase().replace('+', '-');

function reportOf(request: ShareRenderRequest, tlp: TlpLabel, findings: readonly SharedFinding[]): NotificationReport {
  const { recipient } = request.plan;
  return {
    reportId: `share/${recipient.id}/${request.generatedAt}/${tlp}`,
    isp: { id: recipient.id, name: recipient.name, language: 'en' },
    generatedAt: request.generatedAt,
    periodEnd: request.generatedAt,
    findings: findings.map((shared) => shared.finding),
    ...(request.program ? { program: request.program } : {}),
  };
}

function renderOne(
  request: ShareRenderRequest,
  format: SharingFormat,
  tlp: Exclude<TlpLabel, 'RED'>,
  findings: SharedFinding[],
  cells: AggregatedCell[],
): string {
  const masked = request.plan.recipient.policy !== 'full';
  const report = reportOf(request, tlp, findings);
  switch (format) {
    case 'misp': {
      const info = `${request.program?.name ?? 'opennotice'} share for ${request.plan.recipient.name} (${request.plan.recipient.policy})`;
      const event = mispEvent({ eventKey: report.reportId, info, generatedAt: request.generatedAt, tlp, masked, findings, cells });
      return `${JSON.stringify(event, null, 2)}\n`;
    }
    case 'stix':
      return `${JSON.stringify(renderStixBundle(report, { tlp }), null, 2)}\n`;
    case 'intelmq':
      return intelMqEvents(report, { tlp })
        .map((event) => {
          // A masked address is a network: IntelMQ's source.ip takes one address only.
          if (masked) {
            event['source.network'] = event['source.ip'] as string;
            delete event['source.ip'];
          }
          return `${JSON.stringify(event)}\n`;
        })
        .join('');
    case 'shadowserver-csv':
      return renderShadowserverCsv(report);
    case 'counts-json':
      return `${JSON.stringify({ recipient: request.plan.recipient.id, generatedAt: request.generatedAt, tlp: `TLP:${tlp}`, kAnonymity: request.plan.recipient.kAnonymity, cells }, null, 2)}\n`;
  }
}

/**
 * Render every format the recipient takes, one file per TLP label present.
 * @example renderShare({ plan: planShare(findings, recipient), generatedAt: new Date().toISOString() }).map((file) => file.name)
 */
export function renderShare(request: ShareRenderRequest): ShareFile[] {
  const { plan } = request;
  const files: ShareFile[] = [];
  for (const label of tlpLabels) {
    const findings = plan.findings.filter((shared) => shared.tlp === label);
    const cells = plan.cells.filter((cell) => cell.tlp === label);
    if (findings.length === 0 && cells.length === 0) continue;
    assertShareable([label, ...findings.map((shared) => shared.tlp), ...cells.map((cell) => cell.tlp)], { recipient: plan.recipient.id });
    // assertShareable threw for RED; the narrowing is for the compiler.
    const tlp = label as Exclude<TlpLabel, 'RED'>;
    for (const format of plan.recipient.formats) {
      const name = `${plan.recipient.id}-tlp-${labelSlug(label)}.${extensions[format]}`;
      const text = renderOne(request, format, tlp, findings, cells);
      if (plan.recipient.policy !== 'full') assertNoAddressLeak(text, plan.subscriberAddresses, { recipient: plan.recipient.id, file: name });
      files.push({ name, format, tlp: label, items: findings.length + cells.length, text });
    }
  }
  return files;
}

/**
 * Write the files and a manifest (each file's label, format and item count) into `directory`,
 * checking each file again as it is written.
 * @example writeShare(renderShare(request), plan, 'out/cert-a')
 */
export function writeShare(files: readonly ShareFile[], plan: SharePlan, directory: string): string[] {
  for (const file of files) {
    assertShareable([file.tlp], { recipient: plan.recipient.id, format: file.format });
    if (plan.recipient.policy !== 'full') assertNoAddressLeak(file.text, plan.subscriberAddresses, { recipient: plan.recipient.id, file: file.name });
  }
  mkdirSync(directory, { recursive: true });
  const written: string[] = [];
  for (const file of files) {
    writeFileSync(join(directory, file.name), file.text);
    written.push(file.name);
  }
  const manifest = {
    recipient: plan.recipient.id,
    policy: plan.recipient.policy,
    files: files.map((file) => ({ name: file.name, format: file.format, tlp: `TLP:${file.tlp}`, items: file.items })),
    withheld: plan.withheld,
  };
  const manifestName = `${plan.recipient.id}-manifest.json`;
  writeFileSync(join(directory, manifestName), `${JSON.stringify(manifest, null, 2)}\n`);
  return [...written, manifestName];
}

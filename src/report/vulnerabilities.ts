/**
 * `opennotice vulns`: the vulnerabilities the survey matched, one row per CVE, most
 * worth notifying first, with how many devices (and which vendors/models) carry it.
 */
import type { FindingRow } from '../store/row-types.ts';
import { printable, renderCsv } from './cells.ts';
import type { AffectedCve } from '../assess/firmware/types.ts';

export interface VulnerabilitySummary extends Omit<AffectedCve, 'confidence' | 'matchEvidence'> {
  devices: number;
  /** "Vendor Model" → devices, most common first. */
  products: Array<{ product: string; devices: number }>;
}

function cvesOf(row: FindingRow): AffectedCve[] {
  const cves = row.evidence.cves;
  return Array.isArray(cves) ? (cves as AffectedCve[]).filter((cve) => typeof cve?.cveId === 'string') : [];
}

/**
 * Group vulnerable-firmware findings by CVE.
 * @example summarizeVulnerabilities(await store.listFindings({ status: 'open', kind: 'vulnerable-firmware' }))
 */
export function summarizeVulnerabilities(rows: readonly FindingRow[]): VulnerabilitySummary[] {
  const byCve = new Map<string, VulnerabilitySummary & { productCounts: Map<string, number> }>();
  for (const row of rows) {
    if (row.kind !== 'vulnerable-firmware') continue;
    const product = [row.vendor, row.model].filter(Boolean).join(' ') || 'unidentified';
    for (const cve of cvesOf(row)) {
      const { confidence: _confidence, matchEvidence: _matchEvidence, ...facts } = cve;
      const entry = byCve.get(cve.cveId) ?? { ...facts, devices: 0, products: [], productCounts: new Map<string, number>() };
      entry.devices++;
      entry.productCounts.set(product, (entry.productCounts.get(product) ?? 0) + 1);
      if (cve.priority > entry.priority) Object.assign(entry, { priority: cve.priority, priorityLabel: cve.priorityLabel });
      byCve.set(cve.cveId, entry);
    }
  }
  return [...byCve.values()]
    .map(({ productCounts, ...entry }) => ({
      ...entry,
      products: [...productCounts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([name, devices]) => ({ product: name, devices })),
    }))
    .sort((a, b) => b.priority - a.priority || b.devices - a.devices || a.cveId.localeCompare(b.cveId));
}

const header = ['priority', 'score', 'cve_id', 'cvss', 'severity', 'kev', 'ransomware', 'devices', 'products'];

function cells(summary: VulnerabilitySummary): Array<string | number | undefined> {
  return [
    summary.priorityLabel,
    summary.priority,
    summary.cveId,
    summary.baseScore,
    summary.severity,
    summary.kev ? 'yes' : 'no',
    summary.ransomware ? 'yes' : 'no',
    summary.devices,
    summary.products.map((entry) => `${entry.product} (${entry.devices})`).join('; '),
  ];
}

export function renderVulnerabilitiesCsv(summaries: readonly VulnerabilitySummary[]): string {
  return renderCsv(header, summaries.map(cells));
}

export function renderVulnerabilitiesTable(summaries: readonly VulnerabilitySummary[]): string {
  const rows = summaries.map((summary) => cells(summary).map((cell, index) => (index === 8 ? printable(String(cell)).slice(0, 60) : printable(cell))));
  const titles = header.map((title) => title.toUpperCase());
  const widths = titles.map((title, index) => Math.max(title.length, ...rows.map((row) => row[index]!.length)));
  const layout = (row: readonly string[]) =>
    row
      .map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index]!)))
      .join('  ')
      .trimEnd();
  return `${[layout(titles), ...rows.map(layout)].join('\n')}\n`;
}

/**
 * "Which device models get infected": open `infected` findings (darknet scanning, honeypot
 * bot activity) joined with the surveyed devices, per model, against how many devices of that
 * model the survey found. An address seen by both the darknet and a honeypot counts once.
 */
import type { DeviceRow } from '../store/roles/inventory.ts';
import type { FindingRow } from '../store/row-types.ts';
import { printable, renderCsv } from './cells.ts';

export interface InfectedModelRow {
  vendor: string;
  model: string;
  deviceType: string;
  /** Infected addresses of this model. */
  infected: number;
  /** Devices of this model the survey identified (0 for infected addresses never surveyed). */
  surveyed: number;
  /** infected / surveyed, when surveyed > 0. */
  share?: number;
  /** Infected addresses by family: mirai, other, honeypot-bot. */
  families: Record<string, number>;
}

const unknownModel = { vendor: 'unidentified', model: '-', deviceType: '-' };

/**
 * @example summarizeInfectedModels(await store.listFindings({ kind: 'infected', status: 'open' }), await store.listDevices())
 */
export function summarizeInfectedModels(findings: readonly FindingRow[], devices: readonly DeviceRow[]): InfectedModelRow[] {
  const keyOf = (identity: { vendor?: string; model?: string }) => `${identity.vendor ?? unknownModel.vendor}\u0000${identity.model ?? unknownModel.model}`;
  const surveyed = new Map<string, number>();
  for (const device of devices) surveyed.set(keyOf(device), (surveyed.get(keyOf(device)) ?? 0) + 1);
  const byAddress = Map.groupBy(
    findings.filter((finding) => finding.kind === 'infected'),
    (finding) => finding.ip,
  );
  const rows = new Map<string, InfectedModelRow>();
  for (const sightings of byAddress.values()) {
    const first = sightings[0]!;
    const key = keyOf(first);
    const row = rows.get(key) ?? {
      vendor: first.vendor ?? unknownModel.vendor,
      model: first.model ?? unknownModel.model,
      deviceType: first.deviceType ?? unknownModel.deviceType,
      infected: 0,
      surveyed: first.vendor === undefined ? 0 : (surveyed.get(key) ?? 0),
      families: {},
    };
    row.infected++;
    const darknet = sightings.find((finding) => finding.protocol === 'darknet');
    const family = darknet ? String(darknet.evidence.family ?? 'other') : 'honeypot-bot';
    row.families[family] = (row.families[family] ?? 0) + 1;
    rows.set(key, row);
  }
  return [...rows.values()]
    .map((row) => (row.surveyed > 0 ? { ...row, share: row.infected / row.surveyed } : row))
    .sort((a, b) => b.infected - a.infected || a.vendor.localeCompare(b.vendor) || a.model.localeCompare(b.model));
}

const header = ['vendor', 'model', 'device_type', 'infected', 'surveyed', 'share', 'families'];
const cellsOf = (row: InfectedModelRow) => [
  row.vendor,
  row.model,
  row.deviceType,
  row.infected,
  row.surveyed,
  row.share === undefined ? undefined : `${(100 * row.share).toFixed(1)}%`,
  Object.entries(row.families)
    .sort()
    .map(([family, count]) => `${family} ${count}`)
    .join(', '),
];

/** @example process.stdout.write(renderInfectedModelsTable(rows)) */
export function renderInfectedModelsTable(rows: readonly InfectedModelRow[]): string {
  if (rows.length === 0) return 'no open infected findings\n';
  const titles = header.map((name) => name.toUpperCase().replace('_', ' '));
  const cells = rows.map((row) => cellsOf(row).map((cell) => printable(cell)));
  const widths = titles.map((title, index) => Math.max(title.length, ...cells.map((line) => line[index]!.length)));
  const layout = (line: readonly string[]) =>
    line
      .map((cell, index) => cell.padEnd(widths[index]!))
      .join('  ')
      .trimEnd();
  return `${[layout(titles), ...cells.map(layout)].join('\n')}\n`;
}

/** @example writeFileSync('infected-models.csv', renderInfectedModelsCsv(rows)) */
export function renderInfectedModelsCsv(rows: readonly InfectedModelRow[]): string {
  return renderCsv(header, rows.map(cellsOf));
}

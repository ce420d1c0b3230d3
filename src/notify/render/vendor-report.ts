/**
 * Reports for manufacturers: what the survey found per vendor, model and firmware
 * version — how many devices, which CVEs, how many with default passwords or infected —
 * so a vendor can ship fixes and reach its customers.
 *
 * Privacy: a vendor learns about its products, not about subscribers. No address,
 * prefix, ASN or ISP appears; only counts, countries and the observation period. A
 * prefix of a small network can single out a household, and which ISP's customers run
 * which devices is the ISP's business, not the vendor's.
 */
import type { DeviceType, NotifiableFinding } from '../../core/records.ts';
import { renderCsv } from '../../report/cells.ts';
import { isoTime, viewOf } from './finding-view.ts';
import { findingKindsByUrgency, type FindingKind } from '../../core/finding-kinds.ts';

export const vendorReportSchemaVersion = 'opennotice.vendor-report/1';

export interface VendorReportRow {
  vendor: string;
  model: string | null;
  firmwareVersion: string | null;
  deviceType: DeviceType | null;
  releaseYear: number | null;
  /** Distinct devices (addresses) of this vendor/model/firmware with any finding. */
  devices: number;
  /** Devices per finding kind. */
  byKind: Record<FindingKind, number>;
  /** CVEs affecting this firmware, most urgent first, with the devices they were found on. */
  cves: Array<{ cveId: string; baseScore: number | null; kev: boolean; devices: number }>;
  /** Devices per ISO country code ("??" when unknown). */
  countries: Record<string, number>;
  firstSeen: string;
  lastSeen: string;
}

export interface VendorReport {
  schema: typeof vendorReportSchemaVersion;
  reportId: string;
  generatedAt: string;
  /** Set when the report was built for one vendor. */
  vendor: string | null;
  rows: VendorReportRow[];
}

export interface VendorReportInput {
  reportId: string;
  generatedAt: string;
  findings: readonly NotifiableFinding[];
  /** Only this vendor (case-insensitive, ignoring "-", "_" and blanks: "D-Link" = "dlink"). */
  vendor?: string;
}

const looseKey = (text: string) => text.toLowerCase().replace(/[\s_-]+/g, '');

interface Group {
  row: VendorReportRow;
  addresses: Set<string>;
  byKind: Map<FindingKind, Set<string>>;
  cves: Map<string, { baseScore: number | null; kev: boolean; addresses: Set<string>; order: number }>;
  countries: Map<string, Set<string>>;
}

/**
 * Group identified findings by vendor, model and firmware version. Findings of
 * unidentified devices cannot be reported to anyone and are left out.
 * @example buildVendorReport({ reportId: 'v-2025-01', generatedAt, findings, vendor: 'Korvan' }).rows
 */
export function buildVendorReport(input: VendorReportInput): VendorReport {
  // Only the device fields of the view are used here; the program does not matter.
  const program = { name: 'opennotice' };
  const groups = new Map<string, Group>();
  for (const finding of input.findings) {
    const view = viewOf(finding, program);
    if (view.vendor === undefined) continue;
    if (input.vendor !== undefined && looseKey(view.vendor) !== looseKey(input.vendor)) continue;
    const key = [looseKey(view.vendor), view.model?.toLowerCase() ?? '', view.firmwareVersion?.toLowerCase() ?? ''].join('\u0000');
    let group = groups.get(key);
    if (!group) {
      group = {
        row: {
          vendor: view.vendor,
          model: view.model ?? null,
          firmwareVersion: view.firmwareVersion ?? null,
          deviceType: finding.deviceType ?? null,
          releaseYear: finding.releaseYear ?? null,
          devices: 0,
          byKind: Object.fromEntries(findingKindsByUrgency.map((kind) => [kind, 0])) as Record<FindingKind, number>,
          cves: [],
          countries: {},
          firstSeen: isoTime(finding.firstSeen) ?? finding.firstSeen,
          lastSeen: isoTime(finding.lastSeen) ?? finding.lastSeen,
        },
        addresses: new Set(),
        byKind: new Map(),
        cves: new Map(),
        countries: new Map(),
      };
      groups.set(key, group);
    }
    group.addresses.add(finding.ip);
    group.byKind.set(finding.kind, (group.byKind.get(finding.kind) ?? new Set()).add(finding.ip));
    const country = /^[A-Za-z]{2}$/.test(finding.attribution.country ?? '') ? finding.attribution.country!.toUpperCase() : '??';
    group.countries.set(country, (group.countries.get(country) ?? new Set()).add(finding.ip));
    for (const [order, cve] of view.cves.entries()) {
      const known = group.cves.get(cve.cveId) ?? { baseScore: cve.baseScore ?? null, kev: cve.kev, addresses: new Set<string>(), order };
      known.addresses.add(finding.ip);
      known.kev ||= cve.kev;
      group.cves.set(cve.cveId, known);
    }
    const firstSeen = isoTime(finding.firstSeen) ?? finding.firstSeen;
    const lastSeen = isoTime(finding.lastSeen) ?? finding.lastSeen;
    if (firstSeen < group.row.firstSeen) group.row.firstSeen = firstSeen;
    if (lastSeen > group.row.lastSeen) group.row.lastSeen = lastSeen;
  }
  const rows = [...groups.values()].map(
    ({ row, addresses, byKind, cves, countries }): VendorReportRow => ({
      ...row,
      devices: addresses.size,
      byKind: Object.fromEntries(findingKindsByUrgency.map((kind) => [kind, byKind.get(kind)?.size ?? 0])) as Record<FindingKind, number>,
      cves: [...cves]
        .sort(
          (a, b) => Number(b[1].kev) - Number(a[1].kev) || (b[1].baseScore ?? 0) - (a[1].baseScore ?? 0) || a[1].order - b[1].order || a[0].localeCompare(b[0]),
        )
        .map(([cveId, cve]) => ({ cveId, baseScore: cve.baseScore, kev: cve.kev, devices: cve.addresses.size })),
      countries: Object.fromEntries([...countries].sort((a, b) => b[1].size - a[1].size || a[0].localeCompare(b[0])).map(([code, set]) => [code, set.size])),
    }),
  );
  rows.sort(
    (a, b) =>
      a.vendor.localeCompare(b.vendor) ||
      (a.model ?? '').localeCompare(b.model ?? '') ||
      b.devices - a.devices ||
      (a.firmwareVersion ?? '').localeCompare(b.firmwareVersion ?? ''),
  );
  return {
    schema: vendorReportSchemaVersion,
    reportId: input.reportId,
    generatedAt: isoTime(input.generatedAt) ?? input.generatedAt,
    vendor: input.vendor ?? null,
    rows,
  };
}

/** A kind's device-count column: its name with "_" for "-". */
const kindColumn = (kind: FindingKind) => kind.replaceAll('-', '_');

export const vendorCsvColumns = [
  'vendor',
  'model',
  'firmware_version',
  'device_type',
  'release_year',
  'devices',
  ...findingKindsByUrgency.map(kindColumn),
  'cve_ids',
  'max_cvss',
  'kev',
  'countries',
  'first_seen',
  'last_seen',
];

/**
 * One row per vendor/model/firmware (RFC 4180, formula-safe). CVEs joined with ";".
 * @example renderVendorReportCsv(buildVendorReport(input))
 */
export function renderVendorReportCsv(report: VendorReport): string {
  return renderCsv(
    vendorCsvColumns,
    report.rows.map((row) => {
      const scores = row.cves.flatMap((cve) => (cve.baseScore === null ? [] : [cve.baseScore]));
      return [
        row.vendor,
        row.model ?? undefined,
        row.firmwareVersion ?? undefined,
        row.deviceType ?? undefined,
        row.releaseYear ?? undefined,
        row.devices,
        ...findingKindsByUrgency.map((kind) => row.byKind[kind]),
        row.cves.map((cve) => cve.cveId).join(';') || undefined,
        scores.length ? Math.max(...scores).toFixed(1) : undefined,
        row.cves.length ? (row.cves.some((cve) => cve.kev) ? 'Y' : 'N') : undefined,
        Object.entries(row.countries)
          .map(([code, count]) => `${code}:${count}`)
          .join(';'),
        row.firstSeen,
        row.lastSeen,
      ];
    }),
  );
}

/** @example writeFileSync('korvan.json', renderVendorReportJson(buildVendorReport(input))) */
export function renderVendorReportJson(report: VendorReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** `opennotice track effectiveness`: did notifying work — per ISP, finding kind, study group and channel. */
import type { FindingKind } from '../../core/records.ts';
import type { IspAttributionStore } from '../../store/roles/isp-attribution.ts';
import type { ReportStore } from '../../store/roles/reports.ts';
import type { EffectivenessFigures } from '../../track/effectiveness.ts';
import type { HoldoutPolicy } from '../../track/holdout.ts';
import { effectivenessBy, trackedFindings, type Grouping } from '../../track/tracked-findings.ts';

export type EffectivenessTables = Partial<Record<Grouping, Array<{ key: string; figures: EffectivenessFigures }>>>;

/**
 * The figures for each grouping asked for, from the store as it is.
 * @example const tables = await effectivenessTables(store, { by: ['isp', 'channel'], asOf: now })
 */
export async function effectivenessTables(
  store: IspAttributionStore & ReportStore,
  options: {
    by: readonly Grouping[];
    asOf: string;
    study?: HoldoutPolicy;
    kinds?: readonly FindingKind[];
    /** Findings on these protocols are left out (the demo: the UDP services its owners never change). */
    excludeProtocols?: readonly string[];
  },
): Promise<EffectivenessTables> {
  const findings = (await store.listNotifiableFindings()).filter(
    (finding) => (!options.kinds || options.kinds.includes(finding.kind)) && !options.excludeProtocols?.includes(finding.protocol),
  );
  const rows = trackedFindings({
    findings,
    notified: await store.notificationTimes(),
    reports: await store.listReports(),
    isps: await store.listIsps(),
    ...(options.study ? { study: options.study } : {}),
  });
  return Object.fromEntries(options.by.map((grouping) => [grouping, effectivenessBy(rows, grouping, options.asOf)]));
}

const percent = (share: number | null): string => (share === null ? '—' : `${(share * 100).toFixed(0)} %`);

/** Tables a person reads: one per grouping. */
export function formatEffectivenessTables(tables: EffectivenessTables): string {
  const lines: string[] = [];
  for (const [grouping, rows] of Object.entries(tables)) {
    lines.push(
      `by ${grouping}:`,
      `  ${'group'.padEnd(22)} ${'findings'.padStart(8)} ${'fixed'.padStart(6)} ${'≤7 d'.padStart(6)} ${'≤14 d'.padStart(6)} ${'≤30 d'.padStart(6)} ${'median'.padStart(8)}`,
    );
    for (const { key, figures } of rows ?? []) {
      const median = figures.medianDays === null ? '—' : `${figures.medianDays} d`;
      lines.push(
        `  ${key.padEnd(22)} ${String(figures.findings).padStart(8)} ${String(figures.remediated).padStart(6)} ${percent(figures.rateWithin[7]).padStart(6)} ${percent(figures.rateWithin[14]).padStart(6)} ${percent(figures.rateWithin[30]).padStart(6)} ${median.padStart(8)}`,
      );
    }
    if ((rows ?? []).length === 0) lines.push('  (no notified findings yet)');
    lines.push('');
  }
  lines.push(
    'Rates: share fixed by day N among the findings notified at least N days ago (calendar days); median from the Kaplan–Meier curve (--json has the curve).',
    '',
  );
  return lines.join('\n');
}

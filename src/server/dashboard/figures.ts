/**
 * The dashboard's figures: the store's aggregates shaped into months (the NOTICE-style
 * monthly table with cumulative totals, src/stats/month-figures.ts, as the programme
 * statistics count it), open-finding breakdowns, darknet days, and per-ISP
 * remediation (src/track/effectiveness.ts). Computing them reads every finding once, so
 * `createFigureCache` keeps the result until the store's change mark (or the day) changes;
 * concurrent requests share one computation.
 */
import { findingKinds, type FindingKind } from '../../core/finding-kinds.ts';
import type { DashboardAggregates, DashboardFigureStore, TrackedFindingRow } from '../../store/roles/dashboard-figures.ts';
import { monthFigures, type MonthFigures } from '../../stats/month-figures.ts';
import { effectiveness, type EffectivenessFigures } from '../../track/effectiveness.ts';
import type { SafeHtml } from '../html.ts';
import type { Locale, ServerDeps } from '../route-types.ts';

export const knownKinds: readonly FindingKind[] = findingKinds;

/** A breakdown entry: `key` is what the drill-down filters on, `label` what people read. */
export interface Breakdown {
  key: string;
  label: string;
  count: number;
  byKind: Record<string, number>;
}

export interface IspRemediation {
  /** ISP id, or 'all' for every notified finding. */
  key: string;
  label: string;
  open: number;
  closed: number;
  tracked: EffectivenessFigures;
}

export interface DashboardFigures {
  computedAt: string;
  /** Kinds in column order: every kind of the list of kinds, then any other kind the store holds (one a newer version wrote). */
  kinds: string[];
  /** The monthly table, with a column for every kind in `kinds`. */
  months: MonthFigures[];
  infectedByDay: DashboardAggregates['infectedByDay'];
  darknet: { byDay: DashboardAggregates['darknetByDay']; topPorts: DashboardAggregates['darknetTopPorts'] };
  /** DRDoS attacks on darknet addresses per day, with each day's attacks per protocol; `protocols` in order of attacks. */
  drdos: { byDay: DrdosDay[]; protocols: string[] };
  open: {
    total: number;
    byKind: Record<string, number>;
    byIsp: Breakdown[];
    byDeviceType: Breakdown[];
    /** Without critical devices when composed with `criticalDetail: false` (the public statistics). */
    byVendor: Breakdown[];
    byReleaseYear: Breakdown[];
    /** Open findings on critical devices, by their sector: all a public page may say about them. */
    bySector: Breakdown[];
  };
  /** Per ISP (largest first), then the 'all' row. */
  remediation: IspRemediation[];
  totals: DashboardAggregates['totals'] & { open: number; closed: number; findingsNotified: number; remediated: number };
}

export interface DrdosDay {
  day: string;
  attacks: number;
  packets: number;
  byProtocol: Record<string, number>;
}

/**
 * The store's (day, protocol) rows as one row per day, and the protocols by attacks.
 * @example drdosFigures([{ day: '2026-01-11', protocol: 'ntp', attacks: 2, packets: 900 }]).byDay[0].attacks // 2
 */
export function drdosFigures(rows: DashboardAggregates['drdosByDay']): DashboardFigures['drdos'] {
  const days = new Map<string, DrdosDay>();
  const totals = new Map<string, number>();
  for (const row of rows) {
    const day = days.get(row.day) ?? { day: row.day, attacks: 0, packets: 0, byProtocol: {} };
    day.attacks += row.attacks;
    day.packets += row.packets;
    day.byProtocol[row.protocol] = (day.byProtocol[row.protocol] ?? 0) + row.attacks;
    days.set(row.day, day);
    totals.set(row.protocol, (totals.get(row.protocol) ?? 0) + row.attacks);
  }
  return {
    byDay: [...days.values()].sort((a, b) => a.day.localeCompare(b.day)),
    protocols: [...totals].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([protocol]) => protocol),
  };
}

const zeros = (kinds: readonly string[]): Record<string, number> => Object.fromEntries(kinds.map((kind) => [kind, 0]));

function breakdown(entries: Iterable<{ key: string; label: string; kind: string; count: number }>, kinds: readonly string[]): Breakdown[] {
  const byKey = new Map<string, Breakdown>();
  for (const entry of entries) {
    const item = byKey.get(entry.key) ?? { key: entry.key, label: entry.label, count: 0, byKind: zeros(kinds) };
    item.count += entry.count;
    item.byKind[entry.kind] = (item.byKind[entry.kind] ?? 0) + entry.count;
    byKey.set(entry.key, item);
  }
  return [...byKey.values()].sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

/**
 * Per-ISP remediation after notification (effectiveness() per ISP, largest first), then all ISPs together.
 * The store hands over cohorts (ISP × first-report day × fix day), a few per ISP and day, so this is quick.
 * @example remediationRows(aggregates, await store.listTrackedFindings(), new Date().toISOString())
 */
export function remediationRows(aggregates: DashboardAggregates, tracked: readonly TrackedFindingRow[], asOf: string): IspRemediation[] {
  const names = new Map(aggregates.isps.map((isp) => [isp.id, isp.name]));
  const byIsp = new Map<string, TrackedFindingRow[]>();
  for (const row of tracked) {
    const rows = byIsp.get(row.ispId);
    if (rows) rows.push(row);
    else byIsp.set(row.ispId, [row]);
  }
  const statusCount = (ispId: string | undefined, status: 'open' | 'closed') =>
    aggregates.byIsp.filter((entry) => (ispId === undefined || entry.ispId === ispId) && entry.status === status).reduce((sum, entry) => sum + entry.count, 0);
  const rows: IspRemediation[] = [];
  for (const ispId of new Set([...aggregates.isps.map((isp) => isp.id), ...byIsp.keys()])) {
    rows.push({
      key: ispId,
      label: names.get(ispId) ?? ispId,
      open: statusCount(ispId, 'open'),
      closed: statusCount(ispId, 'closed'),
      tracked: effectiveness(byIsp.get(ispId) ?? [], { asOf }),
    });
  }
  rows.sort((a, b) => b.tracked.findings - a.tracked.findings || b.open - a.open || a.key.localeCompare(b.key));
  rows.push({
    key: 'all',
    label: 'all',
    open: statusCount(undefined, 'open'),
    closed: statusCount(undefined, 'closed'),
    tracked: effectiveness(tracked, { asOf }),
  });
  return rows;
}

/**
 * Shape the store's aggregates (and the tracked findings) into the dashboard's figures.
 * @example composeFigures(aggregates, remediationRows(aggregates, await store.listTrackedFindings(), asOf), asOf)
 */
export function composeFigures(
  aggregates: DashboardAggregates,
  remediation: IspRemediation[],
  asOf: string,
  options: { criticalDetail?: boolean } = {},
): DashboardFigures {
  const extraKinds = [...new Set([...aggregates.foundByMonth, ...aggregates.byIsp].map((entry) => entry.kind))]
    .filter((kind) => !knownKinds.includes(kind as FindingKind))
    .sort();
  const kinds = [...knownKinds, ...extraKinds];
  const names = new Map(aggregates.isps.map((isp) => [isp.id, isp.name]));
  const open = aggregates.byIsp.filter((entry) => entry.status === 'open');
  const byKind = zeros(kinds);
  for (const entry of open) byKind[entry.kind] = (byKind[entry.kind] ?? 0) + entry.count;
  // Public figures say of critical devices only how many there are per sector: their vendor or
  // release year could single out the few monitors of a small sector.
  const device = options.criticalDetail === false ? aggregates.openByDevice.filter((entry) => entry.deviceType !== 'critical') : aggregates.openByDevice;
  const critical = aggregates.openByDevice.filter((entry) => entry.deviceType === 'critical');
  const months = monthFigures(kinds, aggregates);
  const last = months.at(-1)?.cumulative;
  const closed = aggregates.byIsp.filter((entry) => entry.status === 'closed').reduce((sum, entry) => sum + entry.count, 0);
  return {
    computedAt: asOf,
    kinds,
    months,
    infectedByDay: aggregates.infectedByDay,
    darknet: { byDay: aggregates.darknetByDay, topPorts: aggregates.darknetTopPorts },
    drdos: drdosFigures(aggregates.drdosByDay),
    open: {
      total: open.reduce((sum, entry) => sum + entry.count, 0),
      byKind,
      byIsp: breakdown(
        open.map((entry) => ({
          key: entry.ispId ?? 'unattributed',
          label: entry.ispId === undefined ? 'unattributed' : (names.get(entry.ispId) ?? entry.ispId),
          kind: entry.kind,
          count: entry.count,
        })),
        kinds,
      ),
      byDeviceType: breakdown(
        device.map((entry) => ({ key: entry.deviceType ?? 'unidentified', label: entry.deviceType ?? 'unidentified', kind: entry.kind, count: entry.count })),
        kinds,
      ),
      byVendor: breakdown(
        device.map((entry) => ({ key: entry.vendor ?? 'unidentified', label: entry.vendor ?? 'unidentified', kind: entry.kind, count: entry.count })),
        kinds,
      ),
      byReleaseYear: breakdown(
        device.map((entry) => {
          const year = entry.releaseYear === undefined ? 'unknown' : String(entry.releaseYear);
          return { key: year, label: year, kind: entry.kind, count: entry.count };
        }),
        kinds,
      ),
      bySector: breakdown(
        critical.map((entry) => ({ key: entry.sector ?? 'other', label: entry.sector ?? 'other', kind: entry.kind, count: entry.count })),
        kinds,
      ),
    },
    remediation,
    totals: {
      ...aggregates.totals,
      open: open.reduce((sum, entry) => sum + entry.count, 0),
      closed,
      findingsNotified: last?.findingsNotified ?? 0,
      remediated: last?.remediated ?? 0,
    },
  };
}

export interface FigureCache {
  /** The figures for the store as it is now, or — on a large store while they are recounted — the last ones. */
  current(): Promise<DashboardFigures>;
}

/** A recount faster than this is simply awaited; a slower one is done in the background. */
const quickRecountMs = 250;
/** A slow recount starts at most once per this many of its own durations (it then costs ≤ 1/10 of the time). */
const recountSpacing = 10;

/**
 * Figures cached until the store's change mark (or the day) changes. On a small store every
 * change is recounted before answering. On a large one (a recount slower than 250 ms) the
 * last figures are answered while a recount runs in the background, and recounts are spaced
 * so a busy survey writing all the time does not keep the server recounting; the page shows
 * when its figures were computed. Concurrent requests share one recount.
 * `remediation: false` leaves out the per-ISP remediation figures (the public statistics do
 * not show them), which saves reading every notified finding; `criticalDetail: false` keeps
 * critical devices out of the vendor and release-year figures (they show as counts per sector).
 * @example const figures = createFigureCache(deps); const { months } = await figures.current()
 */
export function createFigureCache(deps: ServerDeps<DashboardFigureStore>, options: { remediation?: boolean; criticalDetail?: boolean } = {}): FigureCache {
  let latest: { key: string; figures: DashboardFigures; tookMs: number; finishedAt: number } | undefined;
  let running: { key: string; figures: Promise<DashboardFigures> } | undefined;

  const recount = (key: string, asOf: string): Promise<DashboardFigures> => {
    const started = performance.now();
    const figures = (async () => {
      const aggregates = await deps.store.dashboardAggregates();
      const tracked = options.remediation === false ? [] : await deps.store.listTrackedFindings();
      return composeFigures(aggregates, remediationRows(aggregates, tracked, asOf), asOf, { criticalDetail: options.criticalDetail });
    })();
    const entry = { key, figures };
    running = entry;
    figures
      .then(
        (result) => {
          latest = { key, figures: result, tookMs: performance.now() - started, finishedAt: performance.now() };
        },
        () => {},
      )
      .finally(() => {
        if (running === entry) running = undefined;
      });
    return figures;
  };

  return {
    async current() {
      const now = deps.now().toISOString();
      // The day is part of the key: remediation rates are "as of" today even when nothing changed.
      const key = `${await deps.store.dashboardChangeMark()}|${now.slice(0, 10)}`;
      if (latest?.key === key) return latest.figures;
      // A recount under way: wait for it only when there is nothing to show yet or recounts are quick;
      // a slow recount never holds a request, even one asking for the very state being counted.
      if (running) return !latest || latest.tookMs < quickRecountMs ? running.figures : latest.figures;
      if (!latest || latest.tookMs < quickRecountMs) return recount(key, now);
      if (performance.now() - latest.finishedAt >= latest.tookMs * recountSpacing) recount(key, now).catch(() => {});
      return latest.figures;
    },
  };
}

export interface BodyCache {
  /** The rendered content for these figures in this language (rendered once per figures object). */
  get(locale: Locale, figures: DashboardFigures): SafeHtml;
}

/**
 * Rendering a large dashboard costs more than answering from cached figures: keep the markup
 * of the current figures per language. Keyed weakly by the figures object, so old renderings go
 * with the figures they were made from.
 * @example const bodies = createBodyCache(dashboardBody); bodies.get('en', figures)
 */
export function createBodyCache(render: (locale: Locale, figures: DashboardFigures) => SafeHtml): BodyCache {
  const rendered = new WeakMap<DashboardFigures, Partial<Record<Locale, SafeHtml>>>();
  return {
    get(locale, figures) {
      const byLocale = rendered.get(figures) ?? {};
      rendered.set(figures, byLocale);
      return (byLocale[locale] ??= render(locale, figures));
    },
  };
}

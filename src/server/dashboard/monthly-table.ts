/**
 * The NOTICE-style monthly table and its found-per-month chart, as both the operator's
 * dashboard and the public statistics page show them: the same columns in the same order (the
 * tests read them against `opennotice stats`), in each page's own words. The dashboard's cells
 * and bars link to the findings behind them; the public page's do not.
 */
import type { DashboardFindingFilter } from '../../store/roles/dashboard-findings.ts';
import type { SafeHtml } from '../html.ts';
import type { Locale } from '../route-types.ts';
import { type Cell, type ChartSeries, dataTable } from './figure-block.ts';
import type { DashboardFigures } from './figures.ts';
import { kindLabel } from './labels.ts';

/** The column headings, from the page's own words. */
export interface MonthlyTableWords {
  month: string;
  infectedMax: string;
  reports: string;
  notified: string;
  remediated: string;
  cumulativeFound: string;
  cumulativeNotified: string;
  cumulativeRemediated: string;
}

/** Where a figure's findings are listed (the dashboard's drill-down); without it the numbers are plain. */
export type DrillDown = (filter: DashboardFindingFilter) => string;

/**
 * A row per month: found by kind, infected (max per day), reports, findings notified, remediated, then the cumulative totals.
 * @example monthlyTable('en', figures, dashboardWords('en'), drillPath)
 */
export function monthlyTable(locale: Locale, figures: DashboardFigures, words: MonthlyTableWords, drillDown?: DrillDown): SafeHtml {
  const cell = (value: number, filter: DashboardFindingFilter): Cell => (drillDown ? { text: value, href: drillDown(filter) } : value);
  return dataTable({
    locale,
    className: 'data wide',
    headers: [
      words.month,
      ...figures.kinds.map((kind) => kindLabel(locale, kind)),
      words.infectedMax,
      words.reports,
      words.notified,
      words.remediated,
      words.cumulativeFound,
      words.cumulativeNotified,
      words.cumulativeRemediated,
    ],
    rows: figures.months.map((row) => [
      row.month,
      ...figures.kinds.map((kind) => cell(row.found[kind] ?? 0, { kind, month: row.month })),
      cell(row.infectedPerDay.max, { kind: 'infected', month: row.month }),
      row.reports,
      row.findingsNotified,
      cell(row.remediated, { status: 'closed', closedMonth: row.month }),
      Object.values(row.cumulative.found).reduce((a, b) => a + b, 0),
      row.cumulative.findingsNotified,
      row.cumulative.remediated,
    ]),
  });
}

/**
 * Findings found per month, a bar stacked per kind.
 * @example const spec: ChartSpec = { type: 'bar', categories: figures.months.map((row) => row.month), series: foundPerMonthSeries('en', figures) }
 */
export function foundPerMonthSeries(locale: Locale, figures: DashboardFigures, drillDown?: DrillDown): ChartSeries[] {
  const months = figures.months;
  return figures.kinds.map((kind) => ({
    name: kindLabel(locale, kind),
    stack: 'found',
    data: months.map((row) => row.found[kind] ?? 0),
    ...(drillDown ? { links: months.map((row) => drillDown({ kind, month: row.month })) } : {}),
  }));
}

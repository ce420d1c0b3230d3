/**
 * GET /statistics: the program's public monthly figures — the same numbers as
 * `opennotice stats` (found by kind, infected per day, reports, findings notified, fixed,
 * cumulative totals) and what is still open by device type, vendor and release year.
 * Counts only: no address, and no ISP is named (per-ISP figures stay on the operator's
 * dashboard). Critical devices (monitors of power, water, gas, solar, buildings) are counted
 * per sector only: they are left out of the vendor and release-year figures.
 */
import { html, type SafeHtml } from '../html.ts';
import { renderPage } from '../layout.ts';
import type { Locale, WebRequest, WebResponse } from '../route-types.ts';
import { dataTable, figureBlock } from '../dashboard/figure-block.ts';
import type { Breakdown, DashboardFigures } from '../dashboard/figures.ts';
import { formatTime, keyLabel, kindLabel } from '../dashboard/labels.ts';
import { foundPerMonthSeries, monthlyTable } from '../dashboard/monthly-table.ts';
import { publicWords } from './words.ts';

function breakdown(locale: Locale, figures: DashboardFigures, id: string, heading: string, entries: Breakdown[], type: 'bar' | 'hbar'): SafeHtml {
  const words = publicWords(locale);
  const charted = entries.slice(0, 15);
  return figureBlock({
    id,
    title: `${words.openNow}: ${heading}`,
    tableLabel: words.table,
    emptyText: words.noData,
    table: dataTable({
      locale,
      headers: [heading, words.total, ...figures.kinds.map((kind) => kindLabel(locale, kind))],
      rows: entries.slice(0, 100).map((entry) => [keyLabel(locale, entry.label), entry.count, ...figures.kinds.map((kind) => entry.byKind[kind] ?? 0)]),
    }),
    spec: {
      type,
      categories: charted.map((entry) => keyLabel(locale, entry.label)),
      series: figures.kinds.map((kind) => ({ name: kindLabel(locale, kind), stack: 'open', data: charted.map((entry) => entry.byKind[kind] ?? 0) })),
    },
  });
}

/**
 * The page's content for one language (the same for every visitor until the figures change).
 * @example const body = statisticsBody('ja', await publicFigures.current())
 */
export function statisticsBody(locale: Locale, figures: DashboardFigures): SafeHtml {
  const words = publicWords(locale);
  const months = figures.months;
  const monthly = figureBlock({
    id: 'public-monthly',
    title: words.monthly,
    tableLabel: words.table,
    emptyText: words.noData,
    className: 'wide',
    table: monthlyTable(locale, figures, words),
    spec: {
      type: 'bar',
      categories: months.map((row) => row.month),
      series: foundPerMonthSeries(locale, figures),
    },
  });
  const open = figures.open;
  const body = html`<p>${words.statisticsIntro}</p><p class="meta">${formatTime(figures.computedAt)}</p>
<div class="figures">
${monthly}
${breakdown(locale, figures, 'public-device-types', words.deviceType, open.byDeviceType, 'hbar')}
${breakdown(locale, figures, 'public-critical-sectors', words.criticalSector, open.bySector, 'hbar')}
${breakdown(locale, figures, 'public-vendors', words.vendor, open.byVendor, 'hbar')}
${breakdown(
  locale,
  figures,
  'public-release-years',
  words.releaseYear,
  [...open.byReleaseYear].sort((a, b) => a.key.localeCompare(b.key)),
  'bar',
)}
</div>`;
  return body;
}

/**
 * @example return renderStatistics(request, bodies.get(request.locale, await publicFigures.current()))
 */
export function renderStatistics(request: WebRequest, body: SafeHtml): WebResponse {
  return renderPage(request, { title: publicWords(request.locale).statisticsTitle, body, scripts: ['/assets/echarts.min.js', '/assets/dashboard.js'] });
}

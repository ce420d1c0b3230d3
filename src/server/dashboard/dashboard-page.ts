/**
 * GET /dashboard: the operator's overview. Every number links to the findings behind it
 * (GET /dashboard/findings with the figure's filters); every chart has its table.
 */
import { html, sitePath, type SafeHtml } from '../html.ts';
import { renderPage } from '../layout.ts';
import type { Locale, WebRequest, WebResponse } from '../route-types.ts';
import type { DashboardFindingFilter } from '../../store/roles/dashboard-findings.ts';
import { drdosFigure } from './drdos-figure.ts';
import { dataTable, figureBlock, type Cell, type ChartSeries } from './figure-block.ts';
import type { Breakdown, DashboardFigures, IspRemediation } from './figures.ts';
import { formatCount, formatShare, formatTime, keyLabel, kindLabel } from './labels.ts';
import { foundPerMonthSeries, monthlyTable } from './monthly-table.ts';
import { dashboardWords } from './words.ts';

/**
 * The drill-down list for a filter.
 * @example drillPath({ kind: 'infected', month: '2026-01' }) // '/dashboard/findings?kind=infected&month=2026-01'
 */
export function drillPath(filter: DashboardFindingFilter): string {
  return sitePath('/dashboard/findings', { ...filter });
}

const link = (text: string | number, filter: DashboardFindingFilter): Cell => ({ text, href: drillPath(filter) });

function monthlySection(locale: Locale, figures: DashboardFigures): SafeHtml {
  const words = dashboardWords(locale);
  const months = figures.months;
  const table = monthlyTable(locale, figures, words, drillPath);
  const found = figureBlock({
    id: 'monthly',
    title: words.monthly,
    note: words.monthlyNote,
    tableLabel: words.table,
    emptyText: words.noData,
    table,
    className: 'wide',
    spec: {
      type: 'bar',
      categories: months.map((row) => row.month),
      series: foundPerMonthSeries(locale, figures, drillPath),
    },
  });
  const notifications = figureBlock({
    id: 'notifications',
    title: words.notificationsChart,
    tableLabel: words.table,
    emptyText: words.noData,
    table: dataTable({
      locale,
      headers: [words.month, words.reports, words.notified, words.remediated],
      rows: months.map((row) => [row.month, row.reports, row.findingsNotified, link(row.remediated, { status: 'closed', closedMonth: row.month })]),
    }),
    spec: {
      type: 'bar',
      categories: months.map((row) => row.month),
      series: [
        { name: words.notified, data: months.map((row) => row.findingsNotified) },
        {
          name: words.remediated,
          data: months.map((row) => row.remediated),
          links: months.map((row) => drillPath({ status: 'closed', closedMonth: row.month })),
        },
      ],
    },
  });
  return html`${found}${notifications}`;
}

function darknetSection(locale: Locale, figures: DashboardFigures): SafeHtml {
  const words = dashboardWords(locale);
  const infected = figures.infectedByDay;
  const days = figures.darknet.byDay;
  const ports = figures.darknet.topPorts;
  return html`${figureBlock({
    id: 'infected',
    title: words.infectedPerDay,
    tableLabel: words.table,
    emptyText: words.noData,
    table: dataTable({
      locale,
      headers: [words.day, words.hosts],
      rows: infected.map((entry) => [entry.day, link(entry.hosts, { kind: 'infected', month: entry.day.slice(0, 7) })]),
    }),
    spec: {
      type: 'line',
      categories: infected.map((entry) => entry.day),
      series: [
        {
          name: words.hosts,
          data: infected.map((entry) => entry.hosts),
          links: infected.map((entry) => drillPath({ kind: 'infected', month: entry.day.slice(0, 7) })),
        },
      ],
    },
  })}${figureBlock({
    id: 'darknet',
    title: words.darknetPerDay,
    tableLabel: words.table,
    emptyText: words.noData,
    table: dataTable({
      locale,
      headers: [words.day, words.packets, words.sources, words.scanners, words.miraiScanners],
      rows: days.map((entry) => [
        entry.day,
        entry.packets,
        entry.sources,
        link(entry.scanners, { kind: 'infected', month: entry.day.slice(0, 7) }),
        entry.miraiScanners,
      ]),
    }),
    spec: { type: 'bar', categories: days.map((entry) => entry.day), series: [{ name: words.packets, data: days.map((entry) => entry.packets) }] },
  })}${drdosFigure(locale, figures)}${figureBlock({
    id: 'ports',
    title: words.topPorts,
    tableLabel: words.table,
    emptyText: words.noData,
    table: dataTable({ locale, headers: [words.port, words.packets], rows: ports.map((entry) => [String(entry.port), entry.packets]) }),
    spec: { type: 'hbar', categories: ports.map((entry) => String(entry.port)), series: [{ name: words.packets, data: ports.map((entry) => entry.packets) }] },
  })}`;
}

type BreakdownField = 'deviceType' | 'vendor' | 'releaseYear';

function breakdownFigure(
  locale: Locale,
  figures: DashboardFigures,
  options: { id: string; title: string; heading: string; field: BreakdownField; entries: Breakdown[]; chartLimit: number; type: 'bar' | 'hbar' },
): SafeHtml {
  const words = dashboardWords(locale);
  const filterOf = (entry: Breakdown, kind?: string): DashboardFindingFilter => ({ [options.field]: entry.key, status: 'open', ...(kind ? { kind } : {}) });
  const charted = options.entries.slice(0, options.chartLimit);
  return figureBlock({
    id: options.id,
    title: options.title,
    tableLabel: words.table,
    emptyText: words.noData,
    table: dataTable({
      locale,
      headers: [options.heading, words.total, ...figures.kinds.map((kind) => kindLabel(locale, kind))],
      rows: options.entries
        .slice(0, 300)
        .map((entry) => [
          keyLabel(locale, entry.label),
          link(entry.count, filterOf(entry)),
          ...figures.kinds.map((kind) => link(entry.byKind[kind] ?? 0, filterOf(entry, kind))),
        ]),
    }),
    spec: {
      type: options.type,
      categories: charted.map((entry) => keyLabel(locale, entry.label)),
      series: figures.kinds.map((kind) => ({
        name: kindLabel(locale, kind),
        stack: 'open',
        data: charted.map((entry) => entry.byKind[kind] ?? 0),
        links: charted.map((entry) => drillPath(filterOf(entry, kind))),
      })),
    },
  });
}

function ispSection(locale: Locale, rows: IspRemediation[]): SafeHtml {
  const words = dashboardWords(locale);
  const ispFilter = (row: IspRemediation, status: 'open' | 'closed'): DashboardFindingFilter => (row.key === 'all' ? { status } : { isp: row.key, status });
  const table = dataTable({
    locale,
    className: 'data wide',
    headers: [words.isp, words.open, words.closed, words.tracked, words.remediated, words.within7, words.within14, words.within30, words.medianDays],
    rows: rows.map((row) => [
      row.key === 'all' ? keyLabel(locale, 'all') : row.label,
      link(row.open, ispFilter(row, 'open')),
      link(row.closed, ispFilter(row, 'closed')),
      row.tracked.findings,
      row.tracked.remediated,
      ...([7, 14, 30] as const).map((days): Cell => ({ text: formatShare(locale, row.tracked.rateWithin[days]), numeric: true })),
      row.tracked.medianDays === null ? { text: '–', numeric: true } : row.tracked.medianDays,
    ]),
  });
  // Curves of the largest ISPs and of all: a step function, carried forward between events.
  const curves = [
    ...rows.filter((row) => row.key !== 'all' && row.tracked.findings > 0).slice(0, 6),
    ...rows.filter((row) => row.key === 'all' && row.tracked.findings > 0),
  ];
  const days = [...new Set([0, ...curves.flatMap((row) => row.tracked.survival.map((point) => point.day))])].sort((a, b) => a - b);
  const series: ChartSeries[] = curves.map((row) => {
    let open = 1;
    const byDay = new Map(row.tracked.survival.map((point) => [point.day, point.open]));
    return {
      name: row.key === 'all' ? keyLabel(locale, 'all') : row.label,
      data: days.map((day) => (open = byDay.get(day) ?? open)),
      links: days.map(() => drillPath(ispFilter(row, 'open'))),
    };
  });
  const survival = figureBlock({
    id: 'survival',
    title: words.survival,
    tableLabel: words.table,
    emptyText: words.noData,
    table: dataTable({
      locale,
      headers: [words.isp, words.daysSinceReport, words.stillOpen, words.atRisk],
      rows: curves.flatMap((row) =>
        row.tracked.survival
          .slice(0, 60)
          .map((point): Cell[] => [
            row.key === 'all' ? keyLabel(locale, 'all') : row.label,
            point.day,
            { text: formatShare(locale, point.open), numeric: true },
            point.atRisk,
          ]),
      ),
    }),
    spec: { type: 'line', step: true, percent: true, numericX: true, categories: days.map(String), series },
  });
  return html`<section class="figure wide" aria-labelledby="isps-title"><h2 id="isps-title">${words.perIsp}</h2><p class="note">${words.perIspNote}</p>${table}</section>${survival}`;
}

/**
 * The page's content for one language: the same for every operator until the figures change,
 * so the module renders it once per figures and language (renderDashboard wraps it per request).
 * @example const body = dashboardBody('en', await figures.current())
 */
export function dashboardBody(locale: Locale, figures: DashboardFigures): SafeHtml {
  const words = dashboardWords(locale);
  const latest = figures.months.at(-1);
  const card = (label: string, value: number, href?: string) =>
    html`<div class="card"><span class="label">${label}</span> ${href ? html`<a class="value" href="${href}">${formatCount(locale, value)}</a>` : html`<span class="value">${formatCount(locale, value)}</span>`}</div>`;
  const cards = html`<div class="cards">
${card(words.openFindings, figures.totals.open, drillPath({ status: 'open' }))}
${
  latest
    ? card(
        `${words.monthFound} (${latest.month})`,
        Object.values(latest.found).reduce((a, b) => a + b, 0),
        drillPath({ month: latest.month }),
      )
    : ''
}
${card(words.notifiedTotal, figures.totals.findingsNotified)}
${card(words.remediatedTotal, figures.totals.remediated, drillPath({ status: 'closed' }))}
${card(words.reportsDelivered, figures.totals.deliveredReports)}
${card(words.pendingOptOuts, figures.totals.pendingOptOuts, '/dashboard/opt-outs')}
</div>`;
  const open = figures.open;
  const body = html`<p class="meta">${words.computed} ${formatTime(figures.computedAt)} · <a href="/dashboard/opt-outs">${words.optOutQueue}</a> · <a href="/dashboard/help-desk-log">${words.helpDeskLog}</a> · <a href="/dashboard/gateways">${words.gatewayReports}</a></p>
${cards}
<div class="figures">
${monthlySection(locale, figures)}
${darknetSection(locale, figures)}
${breakdownFigure(locale, figures, { id: 'device-types', title: words.byDeviceType, heading: words.deviceType, field: 'deviceType', entries: open.byDeviceType, chartLimit: 12, type: 'hbar' })}
${breakdownFigure(locale, figures, { id: 'vendors', title: words.byVendor, heading: words.vendor, field: 'vendor', entries: open.byVendor, chartLimit: 15, type: 'hbar' })}
${breakdownFigure(locale, figures, { id: 'release-years', title: words.byReleaseYear, heading: words.releaseYear, field: 'releaseYear', entries: [...open.byReleaseYear].sort((a, b) => a.key.localeCompare(b.key)), chartLimit: 40, type: 'bar' })}
${ispSection(locale, figures.remediation)}
</div>`;
  return body;
}

/**
 * @example return renderDashboard(request, bodies.get(request.locale, await figures.current()))
 */
export function renderDashboard(request: WebRequest, body: SafeHtml): WebResponse {
  return renderPage(request, { title: dashboardWords(request.locale).title, body, scripts: ['/assets/echarts.min.js', '/assets/dashboard.js'] });
}

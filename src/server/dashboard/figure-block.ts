/**
 * A figure as the pages render it: a chart drawn by /assets/dashboard.js (Apache ECharts)
 * from a JSON element next to it, and the same numbers as a table — readable without
 * scripts, by screen readers, and by tests. The CSP forbids inline scripts, so the data
 * travels in `<script type="application/json">` and the drawing code is a same-origin file.
 */
import { html, jsonForScript, type SafeHtml } from '../html.ts';
import type { Locale } from '../route-types.ts';

export interface ChartSeries {
  name: string;
  data: Array<number | null>;
  /** Drill-down link of each data point (site paths only; the script refuses anything else). */
  links?: Array<string | undefined>;
  /** Series with the same stack name are stacked. */
  stack?: string;
  /** Overrides the chart's type for this series (a line over bars). */
  type?: 'bar' | 'line';
}

export interface ChartSpec {
  /** 'hbar' draws horizontal bars (long category names: vendors, ISPs). */
  type: 'bar' | 'line' | 'hbar';
  categories: string[];
  series: ChartSeries[];
  /** Values are shares 0–1, shown as percentages. */
  percent?: boolean;
  /** A step line (survival curves). */
  step?: boolean;
  /** Categories are numbers (days): the x axis is to scale, not one slot per category. */
  numericX?: boolean;
}

/** A table cell: text, a number (right-aligned, formatted), or a link; `numeric` right-aligns a text (a share, a dash). */
export type Cell = string | number | SafeHtml | { text: string | number; href?: string; numeric?: boolean };

export interface TableOptions {
  caption?: string;
  headers: string[];
  rows: Cell[][];
  locale: Locale;
  /** Class of the table element, e.g. "data wide". */
  className?: string;
}

const numberFormat = (locale: Locale, value: number) => value.toLocaleString(locale === 'ja' ? 'ja-JP' : 'en-US', { maximumFractionDigits: 2 });

function renderCell(locale: Locale, cell: Cell): SafeHtml {
  if (typeof cell === 'number') return html`<td class="num">${numberFormat(locale, cell)}</td>`;
  if (typeof cell === 'string' || !('text' in cell)) return html`<td>${cell}</td>`;
  const text = typeof cell.text === 'number' ? numberFormat(locale, cell.text) : cell.text;
  const content = cell.href ? html`<a href="${cell.href}">${text}</a>` : text;
  return typeof cell.text === 'number' || cell.numeric ? html`<td class="num">${content}</td>` : html`<td>${content}</td>`;
}

/**
 * @example dataTable({ locale: 'en', headers: ['Month', 'Found'], rows: [['2026-01', { text: 12, href: '/dashboard/findings?month=2026-01' }]] })
 */
export function dataTable(options: TableOptions): SafeHtml {
  return html`<table class="${options.className ?? 'data'}">${options.caption ? html`<caption>${options.caption}</caption>` : ''}
<thead><tr>${options.headers.map((header, index) => html`<th scope="col"${index > 0 ? html` class="num"` : ''}>${header}</th>`)}</tr></thead>
<tbody>${options.rows.map((row) => html`<tr>${row.map((cell) => renderCell(options.locale, cell))}</tr>`)}</tbody>
</table>`;
}

export interface FigureOptions {
  /** Element id of the chart data; unique on the page, [a-z0-9-]. */
  id: string;
  title: string;
  spec: ChartSpec;
  table: SafeHtml;
  /** Label of the element that opens the table. */
  tableLabel: string;
  note?: string;
  /** Extra class, e.g. "wide" for a figure spanning both columns. */
  className?: string;
  /** Shown instead of chart and table when there is nothing to draw. */
  emptyText?: string;
}

/**
 * A chart and its table.
 * @example figureBlock({ id: 'monthly', title: 'Found per month', spec, table, tableLabel: 'Table' })
 */
export function figureBlock(options: FigureOptions): SafeHtml {
  if (!/^[a-z0-9-]+$/.test(options.id)) throw new RangeError(`figure ids are [a-z0-9-], got "${options.id}"`);
  const heading = html`<h2 id="${options.id}-title">${options.title}</h2>`;
  if (options.spec.categories.length === 0) {
    return html`<section class="figure ${options.className ?? ''}" aria-labelledby="${options.id}-title">${heading}<p class="empty">${options.emptyText ?? '–'}</p></section>`;
  }
  return html`<section class="figure ${options.className ?? ''}" aria-labelledby="${options.id}-title">
${heading}
<div class="chart" data-chart="${options.id}-data" role="img" aria-label="${options.title}"></div>
<script type="application/json" id="${options.id}-data">${jsonForScript(options.spec)}</script>
${options.note ? html`<p class="note">${options.note}</p>` : ''}
<details class="figure-table" id="${options.id}-table"><summary>${options.tableLabel}</summary>${options.table}</details>
</section>`;
}

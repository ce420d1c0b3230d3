/**
 * The dashboard's DRDoS figure: attacks whose spoofed victims are darknet addresses, per day,
 * stacked by the abused protocol, with the same numbers as a table (day, attacks, the
 * protocols' counts, reply packets).
 */
import type { SafeHtml } from '../html.ts';
import type { Locale } from '../route-types.ts';
import { dataTable, figureBlock } from './figure-block.ts';
import type { DashboardFigures } from './figures.ts';
import { dashboardWords } from './words.ts';

/** Protocols drawn as their own series; the rest are summed as "other" (a chart of 18 colours says nothing). */
const chartedProtocols = 6;

/**
 * @example html`${drdosFigure('en', figures)}`
 */
export function drdosFigure(locale: Locale, figures: DashboardFigures): SafeHtml {
  const words = dashboardWords(locale);
  const { byDay, protocols } = figures.drdos;
  const charted = protocols.slice(0, chartedProtocols);
  const rest = protocols.slice(chartedProtocols);
  const series = charted.map((protocol) => ({ name: protocol, stack: 'attacks', data: byDay.map((day) => day.byProtocol[protocol] ?? 0) }));
  if (rest.length > 0)
    series.push({ name: 'other', stack: 'attacks', data: byDay.map((day) => rest.reduce((sum, protocol) => sum + (day.byProtocol[protocol] ?? 0), 0)) });
  return figureBlock({
    id: 'drdos',
    title: words.drdosPerDay,
    tableLabel: words.table,
    emptyText: words.noData,
    table: dataTable({
      locale,
      headers: [words.day, words.attacks, words.protocols, words.packets],
      rows: byDay.map((day) => [
        day.day,
        day.attacks,
        protocols
          .filter((protocol) => day.byProtocol[protocol])
          .map((protocol) => `${protocol} ${day.byProtocol[protocol]}`)
          .join(', '),
        day.packets,
      ]),
    }),
    spec: { type: 'bar', categories: byDay.map((day) => day.day), series },
  });
}

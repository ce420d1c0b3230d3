/**
 * The annual report: the same figures as `opennotice stats`, for one year, as Markdown (for a
 * repository or a wiki) or a self-contained HTML page (for publication). Every value that came
 * from a device or the registry is escaped for the format.
 */
import { findingKind, findingKinds, type FindingKind } from '../core/finding-kinds.ts';
import type { ProgramStatistics } from './program-stats.ts';

/** Column titles: the kinds' names; infected counts the busiest day of the month. */
const kindTitles: Record<FindingKind, string> = {
  ...(Object.fromEntries(findingKinds.map((kind) => [kind, findingKind(kind)!.label.en])) as Record<FindingKind, string>),
  infected: `${findingKind('infected')!.label.en} (max/day)`,
};

interface Table {
  title: string;
  header: string[];
  rows: Array<Array<string | number>>;
}

function tablesFor(stats: ProgramStatistics, year: string): Table[] {
  const months = stats.months.filter((month) => month.month.startsWith(`${year}-`));
  return [
    {
      title: `Findings and notifications per month, ${year}`,
      header: ['Month', ...findingKinds.map((kind) => kindTitles[kind]), 'Reports sent', 'Findings notified', 'Remediated'],
      rows: months.map((month) => [
        month.month,
        // Infected devices are observed day by day: the month's figure is its busiest day.
        ...findingKinds.map((kind) => (kind === 'infected' ? month.infectedPerDay.max : month.found[kind])),
        month.reports,
        month.findingsNotified,
        month.remediated,
      ]),
    },
    {
      title: 'Cumulative since the start',
      header: ['Month', ...findingKinds.map((kind) => findingKind(kind)!.label.en), 'Findings notified', 'Remediated'],
      rows: months.map((month) => [
        month.month,
        ...findingKinds.map((kind) => month.cumulative.found[kind]),
        month.cumulative.findingsNotified,
        month.cumulative.remediated,
      ]),
    },
    { title: 'Open findings by ISP', header: ['ISP', 'Open findings'], rows: stats.open.byIsp.map((entry) => [entry.key, entry.count]) },
    { title: 'Open findings by device type', header: ['Device type', 'Open findings'], rows: stats.open.byDeviceType.map((entry) => [entry.key, entry.count]) },
    // Published: critical devices are counted per sector only, never by maker or age.
    {
      title: 'Open findings on critical infrastructure devices by sector',
      header: ['Sector', 'Open findings'],
      rows: stats.open.bySector.map((entry) => [entry.key, entry.count]),
    },
    {
      title: 'Open findings by vendor (critical devices excluded)',
      header: ['Vendor', 'Open findings'],
      rows: stats.open.publishable.byVendor.map((entry) => [entry.key, entry.count]),
    },
    {
      title: 'Open findings by device release year (critical devices excluded)',
      header: ['Release year', 'Open findings'],
      rows: stats.open.publishable.byReleaseYear.map((entry) => [entry.key, entry.count]),
    },
  ];
}

const markdownCell = (value: string | number) =>
  String(value)
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/([\\|*_`<>[\]#])/g, '\\$1');
const htmlCell = (value: string | number) => String(value).replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

/** @example writeFileSync('annual-2026.md', renderAnnualMarkdown(stats, '2026', 'opennotice')) */
export function renderAnnualMarkdown(stats: ProgramStatistics, year: string, programName: string): string {
  const parts = [`# ${markdownCell(programName)}: annual report ${year}`, ''];
  for (const table of tablesFor(stats, year)) {
    parts.push(`## ${table.title}`, '', `| ${table.header.join(' | ')} |`, `|${table.header.map(() => '---').join('|')}|`);
    for (const row of table.rows) parts.push(`| ${row.map(markdownCell).join(' | ')} |`);
    if (table.rows.length === 0) parts.push('', '(none)');
    parts.push('');
  }
  return `${parts.join('\n')}\n`;
}

/** A self-contained page: no scripts, no external resources. */
export function renderAnnualHtml(stats: ProgramStatistics, year: string, programName: string): string {
  const sections = tablesFor(stats, year).map(
    (table) =>
      `<h2>${htmlCell(table.title)}</h2>\n<table>\n<thead><tr>${table.header.map((cell) => `<th>${htmlCell(cell)}</th>`).join('')}</tr></thead>\n<tbody>\n${table.rows.map((row) => `<tr>${row.map((cell) => `<td>${htmlCell(cell)}</td>`).join('')}</tr>`).join('\n')}\n</tbody>\n</table>`,
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${htmlCell(programName)}: annual report ${year}</title>
<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto}table{border-collapse:collapse;margin-bottom:1.5rem}td,th{border:1px solid #ccc;padding:.25rem .6rem;text-align:right}td:first-child,th:first-child{text-align:left}</style>
</head><body>
<h1>${htmlCell(programName)}: annual report ${year}</h1>
${sections.join('\n')}
</body></html>
`;
}

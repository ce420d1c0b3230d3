/**
 * `opennotice findings` output: an aligned table for people, CSV for spreadsheets and
 * ticket systems, JSON for programs. Rows come from the store, which never holds a
 * password: weak credentials are cited by dictionary entry id.
 */
import type { FindingRow } from '../store/row-types.ts';
import { printable, renderCsv } from './cells.ts';

interface Column {
  /** Heading in the text table. */
  title: string;
  /** Header in the CSV file (snake_case, stable: downstream scripts depend on it). */
  csv: string;
  value(row: FindingRow): string | number | undefined;
}

const columns: readonly Column[] = [
  { title: 'IP', csv: 'ip', value: (row) => row.ip },
  { title: 'PORT', csv: 'port', value: (row) => row.port },
  { title: 'PROTOCOL', csv: 'protocol', value: (row) => row.protocol },
  { title: 'KIND', csv: 'kind', value: (row) => row.kind },
  { title: 'VENDOR', csv: 'vendor', value: (row) => row.vendor },
  { title: 'MODEL', csv: 'model', value: (row) => row.model },
  { title: 'TYPE', csv: 'device_type', value: (row) => row.deviceType },
  { title: 'FIRMWARE', csv: 'firmware_version', value: (row) => row.firmwareVersion },
  { title: 'YEAR', csv: 'release_year', value: (row) => row.releaseYear },
  { title: 'ENTRY', csv: 'dictionary_entry_id', value: (row) => row.dictionaryEntryId },
  { title: 'STATUS', csv: 'status', value: (row) => row.status },
  { title: 'FIRST SEEN', csv: 'first_seen', value: (row) => row.firstSeen },
  { title: 'LAST SEEN', csv: 'last_seen', value: (row) => row.lastSeen },
  { title: 'CLOSED', csv: 'closed_at', value: (row) => row.closedAt },
];

/** The table shows the columns an operator scans by eye; CSV and JSON carry everything. */
const tableColumns = columns.filter((column) => !['first_seen', 'closed_at'].includes(column.csv));

const ansi = { bold: '\u001b[1m', red: '\u001b[31m', green: '\u001b[32m', reset: '\u001b[0m' };

/**
 * Aligned text columns, one finding per line, ending with a newline. Vendor and model
 * strings may come from device banners, so control characters are replaced: a device
 * must not be able to drive the operator's terminal.
 * @example process.stdout.write(renderFindingsTable(rows, { color: process.stdout.isTTY }))
 */
export function renderFindingsTable(rows: readonly FindingRow[], options: { color?: boolean } = {}): string {
  const cells = rows.map((row) => tableColumns.map((column) => printable(column.value(row))));
  const widths = tableColumns.map((column, index) => Math.max(column.title.length, ...cells.map((line) => line[index].length)));
  const layout = (line: readonly string[]) =>
    line
      .map((cell, index) => (index === line.length - 1 ? cell : cell.padEnd(widths[index])))
      .join('  ')
      .trimEnd();
  const paint = (text: string, color: string) => (options.color ? `${color}${text}${ansi.reset}` : text);
  const statusIndex = tableColumns.findIndex((column) => column.csv === 'status');

  const header = paint(layout(tableColumns.map((column) => column.title)), ansi.bold);
  if (rows.length === 0) return `${header}\n(no findings)\n`;
  const body = cells.map((line) => {
    if (!options.color) return layout(line);
    // Colour after padding so escape codes don't count towards column widths.
    const padded = line.map((cell, index) => (index === line.length - 1 ? cell : cell.padEnd(widths[index])));
    const status = line[statusIndex];
    padded[statusIndex] = paint(padded[statusIndex], status === 'open' ? ansi.red : ansi.green);
    return padded.join('  ').trimEnd();
  });
  return `${[header, ...body].join('\n')}\n`;
}

/**
 * RFC 4180 CSV with a header row and CRLF line ends. Cells that a spreadsheet would
 * run as a formula (starting with = + - @, tab or CR) get a leading apostrophe.
 * @example writeFileSync('findings.csv', renderFindingsCsv(rows))
 */
export function renderFindingsCsv(rows: readonly FindingRow[]): string {
  return renderCsv(
    columns.map((column) => column.csv),
    rows.map((row) => columns.map((column) => column.value(row))),
  );
}

/**
 * The store's rows as a JSON array (pretty-printed, trailing newline), evidence included.
 * @example process.stdout.write(renderFindingsJson(rows))
 */
export function renderFindingsJson(rows: readonly FindingRow[]): string {
  return `${JSON.stringify(rows, null, 2)}\n`;
}

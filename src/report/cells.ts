/**
 * Cell-level safety shared by every report: CSV quoting with spreadsheet-formula
 * defusing, and terminal-safe text (device strings must not drive a terminal).
 */

export type Cell = string | number | undefined;

/**
 * One RFC 4180 CSV cell. A cell a spreadsheet would run as a formula (starting with
 * = + - @, tab or CR) gets a leading apostrophe.
 * @example csvCell('=HYPERLINK("x")') // `"'=HYPERLINK(""x"")"`
 */
export function csvCell(value: Cell): string {
  if (value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * A whole CSV document: header row, CRLF line ends.
 * @example renderCsv(['ip', 'port'], [['192.0.2.1', 23]])
 */
export function renderCsv(header: readonly string[], rows: ReadonlyArray<readonly Cell[]>): string {
  return [header, ...rows].map((line) => `${line.map(csvCell).join(',')}\r\n`).join('');
}

/** Text for a terminal: C0, DEL and C1 controls become "?" (ESC starts terminal sequences, CR rewrites the line). */
export function printable(value: Cell): string {
  if (value === undefined) return '-';
  return String(value).replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

/**
 * The blocklist as CSV (RFC 4180, CRLF line ends, every field quoted) for spreadsheets and
 * ticket systems. A field that starts like a formula is prefixed with an apostrophe, so a
 * reason such as "=cmd|…" cannot run when a spreadsheet opens the file.
 */
import type { BlockIndicator } from './indicator.ts';

const formulaStart = /^[=+\-@\t\r]/;

function csvField(value: string): string {
  const safe = formulaStart.test(value) ? `'${value}` : value;
  return `"${safe.replaceAll('"', '""')}"`;
}

/**
 * @example writeBlocklistCsv(indicators) // '"kind","value","port","protocol","reason","approved_at"\r\n"ip","192.0.2.7","","","C&C","2026-…"\r\n'
 */
export function writeBlocklistCsv(indicators: readonly BlockIndicator[]): string {
  const rows = [['kind', 'value', 'port', 'protocol', 'reason', 'approved_at']];
  for (const indicator of indicators)
    rows.push([
      indicator.kind,
      indicator.value,
      indicator.port === undefined ? '' : String(indicator.port),
      // Empty with a port: both TCP and UDP.
      indicator.protocol ?? '',
      indicator.reason,
      indicator.approvedAt,
    ]);
  return rows.map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}

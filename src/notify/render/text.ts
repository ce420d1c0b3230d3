/**
 * Text hygiene for notification output. Vendor, model and version strings come from
 * device banners, so an attacker who controls a device controls them: they must not
 * break a CSV line, forge an e-mail header, drive a terminal, flip text direction, or
 * turn into a link a subscriber might click.
 */

/**
 * C0 and C1 controls, DEL, Unicode line/paragraph separators, and the bidirectional
 * overrides and isolates (which can make "gpj.exe" read as "exe.jpg").
 */
const unsafeCharacters = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/**
 * One line of plain text: unsafe characters become blanks, runs of blanks collapse,
 * and the result is trimmed and capped (with "…").
 * @example singleLine('Korvan\r\nSubject: x', 80) // 'Korvan Subject: x'
 */
export function singleLine(value: string | number | undefined, maxLength = 200): string {
  if (value === undefined) return '';
  const text = String(value).replace(unsafeCharacters, ' ').replace(/\s+/g, ' ').trim();
  return text.length > maxLength ? `${text.slice(0, maxLength - 1).trimEnd()}…` : text;
}

/**
 * A string a device supplied, ready for any report: `singleLine`, plus URL schemes
 * defanged (`http://x` → `http[:]//x`) so mail readers do not make links of them, and
 * angle brackets replaced so no reader takes them for markup. Undefined stays undefined.
 * @example deviceText('<b>Korvan</b> http://evil.example') // '‹b›Korvan‹/b› http[:]//evil.example'
 */
export function deviceText(value: string | number | undefined, maxLength = 128): string | undefined {
  if (value === undefined) return undefined;
  const text = singleLine(value, maxLength).replace(/:\/\//g, '[:]//').replace(/</g, '‹').replace(/>/g, '›');
  return text === '' ? undefined : text;
}

/**
 * A safe token for file names: letters, digits, "." "_" "-" only.
 * @example fileToken('ISP A/B') // 'ISP-A-B'
 */
export function fileToken(value: string): string {
  const token = value.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '');
  return token.slice(0, 64) || 'report';
}

/**
 * HTML built only through a tagged template that escapes every interpolated value. Device
 * banners, page titles and every other string that came from the network are hostile by
 * default (the lab has devices whose banners carry script payloads): the only way to put
 * markup into a page is a value that is already `SafeHtml`, i.e. built by `html` itself.
 */

/** A fragment of markup that is safe to insert as is. Build it with `html`, never by hand. */
export class SafeHtml {
  readonly markup: string;
  constructor(markup: string) {
    this.markup = markup;
  }
  toString(): string {
    return this.markup;
  }
}

const replacements: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/**
 * Escape text for an HTML element body or a quoted attribute value.
 * @example escapeHtml('<script>') // '&lt;script&gt;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (character) => replacements[character]!);
}

function render(value: unknown): string {
  if (value === undefined || value === null || value === false) return '';
  if (value instanceof SafeHtml) return value.markup;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/**
 * Markup with every interpolated value escaped, except values that are `SafeHtml` (nested
 * `html` fragments); arrays are joined; undefined, null and false render as nothing.
 * Interpolate only into element bodies and *quoted* attribute values — never into a tag
 * name, an unquoted attribute, an event handler, a style or a URL scheme position.
 * @example html`<td title="${banner}">${banner}</td>` // banner '<b>' → '&lt;b&gt;' in both places
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let markup = strings[0]!;
  for (let index = 0; index < values.length; index++) markup += render(values[index]) + strings[index + 1]!;
  return new SafeHtml(markup);
}

/**
 * JSON to embed in `<script type="application/json">` (read by the page's own scripts):
 * `<`, `>`, `&` and the line separators are escaped so no string in the data can end the
 * element or start markup.
 * @example html`<script type="application/json" id="chart-data">${jsonForScript(figures)}</script>`
 */
export function jsonForScript(value: unknown): SafeHtml {
  const json = JSON.stringify(value) ?? 'null';
  return new SafeHtml(json.replace(/[<>&\u2028\u2029]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/**
 * A path with query parameters for a link inside this site; parameter values are URL-encoded.
 * Only relative paths starting with "/" are accepted, so a link can never carry `javascript:`.
 * @example sitePath('/findings', { kind: 'weak-credential', isp: 'sakura' }) // '/findings?kind=weak-credential&isp=sakura'
 */
export function sitePath(path: string, query: Record<string, string | number | undefined> = {}): string {
  // Browsers read a backslash as "/", so "/\evil.example" would leave the site like "//evil.example".
  if (!path.startsWith('/') || path.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(path))
    throw new RangeError(`site paths start with one "/" and hold no backslash or control character, got "${path}"`);
  const search = queryText(query);
  return search ? `${path}?${search}` : path;
}

function queryText(query: Record<string, string | number | undefined>): string {
  const parameters = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') parameters.set(name, String(value));
  return parameters.toString();
}

/**
 * A link to the current page with another query: a relative reference made of the query alone,
 * which a browser resolves against the page's own address. The path is never copied into the
 * markup, so no path a visitor typed (`/%5Cevil.example`, `//host`) can become a link elsewhere.
 * @example sameDocumentQuery({ kind: 'infected', lang: 'ja' }) // '?kind=infected&lang=ja'
 */
export function sameDocumentQuery(query: Record<string, string | number | undefined>): string {
  return `?${queryText(query)}`;
}

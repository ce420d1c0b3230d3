/**
 * The CoRE link format (RFC 6690 §2) a CoAP server's /.well-known/core answers with:
 * `</sensors/temp>;rt="temperature-c";if="sensor",</firmware>;title="v1.2"`. Links are split at
 * commas outside quotes and angle brackets; each keeps its target and parameters. Bounded in
 * links, parameters and characters; never throws.
 */

export interface CoreLink {
  /** The link target between angle brackets: "/sensors/temp". */
  target: string;
  /** Parameters by lower-case name; a repeated parameter keeps its first value; a bare one is "". */
  params: Readonly<Record<string, string>>;
}

/** Links read at most from one document. */
export const maxLinks = 128;
/** Parameters read at most per link. */
const maxParams = 16;
/** Longest target or parameter value kept. */
const maxValueChars = 256;

/**
 * The links of a link-format document; what does not parse as a link is skipped.
 * @example parseCoreLinks('</s>;rt="temp";ct=0,</fw>') // [{ target: '/s', params: { rt: 'temp', ct: '0' } }, { target: '/fw', params: {} }]
 */
export function parseCoreLinks(text: string): CoreLink[] {
  const links: CoreLink[] = [];
  for (const raw of splitOutside(text, ',', maxLinks * 4)) {
    if (links.length >= maxLinks) break;
    const link = parseLink(raw.trim());
    if (link) links.push(link);
  }
  return links;
}

function parseLink(raw: string): CoreLink | undefined {
  const close = raw.indexOf('>');
  if (!raw.startsWith('<') || close < 0) return undefined;
  const target = clean(raw.slice(1, close));
  if (target === '') return undefined;
  const params: Record<string, string> = Object.create(null);
  let count = 0;
  for (const part of splitOutside(raw.slice(close + 1), ';', maxParams + 1)) {
    const equals = part.indexOf('=');
    const name = (equals < 0 ? part : part.slice(0, equals)).trim().toLowerCase();
    if (!/^[a-z0-9!#$&+.^_`|~-]{1,32}\*?$/.test(name) || name in params) continue;
    if (++count > maxParams) break;
    let value = equals < 0 ? '' : part.slice(equals + 1).trim();
    if (value.startsWith('"')) value = value.slice(1, value.endsWith('"') && value.length > 1 ? -1 : undefined).replace(/\\(.)/g, '$1');
    params[name] = clean(value);
  }
  return { target, params: { ...params } };
}

/** Split at `separator` where it is outside a quoted string and outside <…>, at most `limit` parts. */
function splitOutside(text: string, separator: string, limit: number): string[] {
  const parts: string[] = [];
  let quoted = false;
  let bracketed = false;
  let start = 0;
  for (let index = 0; index < text.length && parts.length < limit; index++) {
    const char = text[index];
    if (quoted) {
      if (char === '\\') index++;
      else if (char === '"') quoted = false;
    } else if (char === '"') quoted = true;
    else if (char === '<') bracketed = true;
    else if (char === '>') bracketed = false;
    else if (char === separator && !bracketed) {
      parts.push(text.slice(start, index));
      start = index + 1;
    }
  }
  if (parts.length < limit && start < text.length) parts.push(text.slice(start));
  return parts.filter((part) => part.trim() !== '');
}

function clean(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .trim()
    .slice(0, maxValueChars);
}

/**
 * Reads an Internet message back into its parts: headers (unfolded, encoded-words decoded),
 * addresses, the plain text, the attachments as bytes. It reads what buildMimeMessage writes
 * and the common shapes other mailers write (quoted-printable, RFC 2231 continuations,
 * nested multiparts), so the lab's SMTP sink and the tests can check what really arrived.
 * Input is bytes as a latin1 string (one char per octet), as it came off the wire.
 */

export interface ParsedAttachment {
  filename: string;
  /** Media type with its parameters except the file name: `text/csv; charset=utf-8`. */
  contentType: string;
  content: Buffer;
}

export interface ParsedMessage {
  /** Lower-case names, unfolded raw values; a repeated header's values joined with ", ". */
  headers: Record<string, string>;
  from: string;
  to: string[];
  /** Decoded (RFC 2047). */
  subject: string;
  messageId: string;
  /** The first plain-text part that is not an attachment, decoded, line ends as LF. */
  text: string;
  attachments: ParsedAttachment[];
}

interface Entity {
  headers: Array<[string, string]>;
  body: string;
}

/** Multiparts nested deeper than this are not opened (mail from hostile peers can nest forever). */
const maxDepth = 8;

function splitEntity(raw: string): Entity {
  const match = /\r?\n\r?\n/.exec(raw);
  const headerBlock = match ? raw.slice(0, match.index) : raw;
  const body = match ? raw.slice(match.index + match[0].length) : '';
  const headers: Array<[string, string]> = [];
  for (const line of headerBlock.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && headers.length > 0) {
      headers[headers.length - 1][1] += line;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon > 0) headers.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  return { headers, body };
}

function headerOf(entity: Entity, name: string): string | undefined {
  return entity.headers.find(([key]) => key === name)?.[1];
}

function decodeCharset(bytes: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset.trim().toLowerCase() || 'utf-8').decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}

function decodeQuotedPrintable(text: string, underscoreIsSpace: boolean): Buffer {
  const source = underscoreIsSpace ? text.replace(/_/g, ' ') : text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let index = 0; index < source.length; index++) {
    const hex = source.slice(index + 1, index + 3);
    if (source[index] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      index += 2;
    } else {
      bytes.push(source.charCodeAt(index) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/**
 * Decode RFC 2047 encoded-words in a header value (whitespace between two of them is dropped).
 * @example decodeEncodedWords('=?utf-8?B?5pel5pys?=') // '日本'
 */
export function decodeEncodedWords(value: string): string {
  const encodedWord = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;
  const joined = value.replace(/(\?=)\s+(?==\?)/g, '$1');
  const decoded = joined.replace(encodedWord, (_all, charset: string, encoding: string, text: string) => {
    const bytes = encoding.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : decodeQuotedPrintable(text, true);
    return decodeCharset(bytes, charset.split('*')[0]);
  });
  // Raw 8-bit header bytes (not allowed, but common) are read as UTF-8.
  return /[\u0080-\u00ff]/.test(decoded) ? decodeCharset(Buffer.from(decoded, 'latin1'), 'utf-8') : decoded;
}

/** Split on `;` outside quoted strings. */
function splitParameters(value: string): string[] {
  const pieces: string[] = [];
  let current = '';
  let quoted = false;
  for (let index = 0; index < value.length; index++) {
    const char = value[index];
    if (char === '"') quoted = !quoted;
    if (char === '\\' && quoted) {
      current += char + (value[index + 1] ?? '');
      index++;
      continue;
    }
    if (char === ';' && !quoted) {
      pieces.push(current.trim());
      current = '';
    } else current += char;
  }
  pieces.push(current.trim());
  return pieces;
}

/** A structured header's main value and its parameters, RFC 2231 sections joined and decoded. */
function parseParameterHeader(value: string): { value: string; parameters: Map<string, string> } {
  const [main, ...rest] = splitParameters(value);
  const sections = new Map<string, Array<{ index: number; text: string; encoded: boolean }>>();
  for (const piece of rest) {
    const equals = piece.indexOf('=');
    if (equals <= 0) continue;
    const key = piece.slice(0, equals).trim().toLowerCase();
    let text = piece.slice(equals + 1).trim();
    if (text.startsWith('"') && text.endsWith('"') && text.length >= 2) text = text.slice(1, -1).replace(/\\(.)/g, '$1');
    const match = /^([^*]+)(?:\*(\d+))?(\*)?$/.exec(key);
    if (!match) continue;
    const list = sections.get(match[1]) ?? [];
    list.push({ index: Number(match[2] ?? 0), text, encoded: match[3] === '*' });
    sections.set(match[1], list);
  }
  const parameters = new Map<string, string>();
  for (const [name, list] of sections) {
    list.sort((a, b) => a.index - b.index);
    let charset = '';
    const bytes: Buffer[] = [];
    list.forEach((section, position) => {
      let text = section.text;
      if (section.encoded && position === 0) {
        const parts = /^([^']*)'[^']*'(.*)$/.exec(text);
        if (parts) {
          charset = parts[1];
          text = parts[2];
        }
      }
      bytes.push(
        section.encoded
          ? Buffer.from(
              text.replace(/%([0-9A-Fa-f]{2})/g, (_all, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
              'latin1',
            )
          : Buffer.from(text, 'latin1'),
      );
    });
    const joined = Buffer.concat(bytes);
    parameters.set(
      name,
      list.some((section) => section.encoded) ? decodeCharset(joined, charset || 'us-ascii') : decodeEncodedWords(joined.toString('latin1')),
    );
  }
  return { value: main.toLowerCase(), parameters };
}

function decodeBody(entity: Entity): Buffer {
  const encoding = (headerOf(entity, 'content-transfer-encoding') ?? '7bit').toLowerCase();
  if (encoding === 'base64') return Buffer.from(entity.body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(entity.body, false);
  return Buffer.from(entity.body, 'latin1');
}

function multipartBodies(body: string, boundary: string): string[] {
  const delimiter = `--${boundary}`;
  const lines = body.split(/\r\n|\n/);
  const parts: string[] = [];
  let current: string[] | undefined;
  for (const line of lines) {
    const trimmed = line.trimEnd();
    if (trimmed === delimiter || trimmed === `${delimiter}--`) {
      if (current) parts.push(current.join('\r\n'));
      current = trimmed === delimiter ? [] : undefined;
      if (!current) break;
    } else current?.push(line);
  }
  return parts;
}

function collectParts(entity: Entity, depth: number, into: { text?: string; attachments: ParsedAttachment[] }): void {
  const type = parseParameterHeader(headerOf(entity, 'content-type') ?? 'text/plain; charset=us-ascii');
  const disposition = parseParameterHeader(headerOf(entity, 'content-disposition') ?? '');
  const boundary = type.parameters.get('boundary');
  if (type.value.startsWith('multipart/') && boundary) {
    if (depth >= maxDepth) return;
    for (const part of multipartBodies(entity.body, boundary)) collectParts(splitEntity(part), depth + 1, into);
    return;
  }
  const filename = disposition.parameters.get('filename') ?? type.parameters.get('name');
  const content = decodeBody(entity);
  if (type.value === 'text/plain' && disposition.value !== 'attachment' && into.text === undefined) {
    into.text = decodeCharset(content, type.parameters.get('charset') ?? 'us-ascii').replace(/\r\n/g, '\n');
    return;
  }
  const parameters = [...type.parameters]
    .filter(([name]) => name !== 'name')
    .map(([name, value]) => `; ${name}=${/^[A-Za-z0-9!#$&^_.+-]+$/.test(value) ? value : JSON.stringify(value)}`);
  into.attachments.push({ filename: filename ?? 'unnamed', contentType: type.value + parameters.join(''), content });
}

/** The bare addresses in an address-list header (`"Name" <a@x>, b@y` → a@x, b@y). */
function addresses(value: string): string[] {
  const list: string[] = [];
  for (const piece of value.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)) {
    const angle = /<([^>]*)>/.exec(piece);
    const address = (angle ? angle[1] : piece).trim();
    if (address !== '') list.push(address);
  }
  return list;
}

/**
 * @example const parsed = parseMimeMessage(buildMimeMessage(message, { date, messageIdDomain: 'cert.example' }));
 * parsed.subject // the original subject, decoded
 */
export function parseMimeMessage(raw: string): ParsedMessage {
  const entity = splitEntity(raw);
  const headers: Record<string, string> = {};
  for (const [name, value] of entity.headers) headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  const parts: { text?: string; attachments: ParsedAttachment[] } = { attachments: [] };
  collectParts(entity, 0, parts);
  return {
    headers,
    from: addresses(headers.from ?? '')[0] ?? '',
    to: addresses(headers.to ?? ''),
    subject: decodeEncodedWords(headers.subject ?? ''),
    messageId: (headers['message-id'] ?? '').trim(),
    text: parts.text ?? '',
    attachments: parts.attachments,
  };
}

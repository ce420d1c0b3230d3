/**
 * Header pieces of an Internet message (RFC 5322, RFC 2047, RFC 2231) built so that header
 * injection is impossible: every value is checked for control characters before it is
 * placed, and everything that is not plain printable ASCII is encoded rather than copied.
 */
import { OpenNoticeError } from '../../core/errors.ts';

/** RFC 5322 §2.1.1 recommends 78 characters per line; we fold to stay at or under it where we can. */
const foldWidth = 78;
/** Bytes of UTF-8 per B encoded-word: "=?utf-8?B?" + 56 base64 chars + "?=" = 68 ≤ 75 (RFC 2047 §2), 77 with "Subject: ". */
const encodedWordBytes = 42;
const controlCharacter = /[\u0000-\u0008\u000a-\u001f\u007f]/;
const printableAscii = /^[\u0020-\u007e]*$/;
const localPart = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const domainName = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const addressLiteral = /^\[(\d{1,3}\.){3}\d{1,3}\]$/;
const mimeToken = '[A-Za-z0-9!#$&^_.+-]+';
const contentTypePattern = new RegExp(`^${mimeToken}/${mimeToken}(\\s*;\\s*${mimeToken}=(${mimeToken}|"[^"\\\\\\u0000-\\u001f\\u007f]*"))*$`);

function invalid(message: string, context: Record<string, unknown> = {}): OpenNoticeError {
  return new OpenNoticeError('CONFIG_INVALID', message, context);
}

/**
 * Refuse a header value that could end the header early or smuggle another one in.
 * @example assertHeaderSafe('Subject', 'hello\r\nBcc: x@y') // throws CONFIG_INVALID
 */
export function assertHeaderSafe(field: string, value: string): void {
  if (controlCharacter.test(value)) {
    throw invalid(`the ${field} contains a control character (CR, LF or similar); refusing to build a message with it`, { field });
  }
}

/**
 * Check a bare mailbox address (`local@domain`, ASCII only: we do not ask servers for SMTPUTF8).
 * @example assertMailAddress('abuse@isp.example', 'recipient') // ok
 */
export function assertMailAddress(address: string, role: string): void {
  assertHeaderSafe(role, address);
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (at < 1 || address.length > 254 || local.length > 64 || !localPart.test(local) || !(domainName.test(domain) || addressLiteral.test(domain))) {
    throw invalid(`the ${role} ${JSON.stringify(address)} is not a plain mail address like abuse@isp.example`, { address });
  }
}

/**
 * Check a MIME type with optional parameters.
 * @example assertContentType('text/csv; charset=utf-8') // ok
 */
export function assertContentType(contentType: string): void {
  assertHeaderSafe('content type', contentType);
  if (!contentTypePattern.test(contentType)) throw invalid(`${JSON.stringify(contentType)} is not a MIME type like text/csv`, { contentType });
}

/**
 * Text that is safe to use as part of a Message-ID or a file name: letters, digits, `_` and
 * `-` are kept, every other UTF-8 byte becomes `%XX`. Distinct keys give distinct texts.
 * @example keyText('isp-7/2025-01') // 'isp-7%2F2025-01'
 */
export function keyText(key: string): string {
  let text = '';
  for (const byte of Buffer.from(key, 'utf8')) {
    const char = String.fromCharCode(byte);
    text += /[A-Za-z0-9_-]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return text;
}

/**
 * A Message-ID derived from the idempotency key, so every attempt of one delivery carries the
 * same one and a receiver can drop duplicates.
 * @example messageIdFor('r-1', 'notice.example') // '<r-1@notice.example>'
 */
export function messageIdFor(idempotencyKey: string, domain: string): string {
  assertHeaderSafe('idempotency key', idempotencyKey);
  if (idempotencyKey.length === 0 || idempotencyKey.length > 200) throw invalid('the idempotency key must have 1 to 200 characters');
  if (!domainName.test(domain)) throw invalid(`the Message-ID domain ${JSON.stringify(domain)} is not a host name`, { domain });
  return `<${keyText(idempotencyKey)}@${domain}>`;
}

/**
 * RFC 5322 date-time in UTC.
 * @example formatMailDate(new Date(0)) // 'Thu, 01 Jan 1970 00:00:00 +0000'
 */
export function formatMailDate(date: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const two = (value: number) => String(value).padStart(2, '0');
  return (
    `${days[date.getUTCDay()]}, ${two(date.getUTCDate())} ${months[date.getUTCMonth()]} ${date.getUTCFullYear()} ` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`
  );
}

/** Split text into pieces of at most `maxBytes` UTF-8 bytes without cutting a character. */
function splitUtf8(text: string, maxBytes: number): string[] {
  const pieces: string[] = [];
  let piece = '';
  let pieceBytes = 0;
  for (const char of text) {
    const bytes = Buffer.byteLength(char, 'utf8');
    if (pieceBytes + bytes > maxBytes && piece !== '') {
      pieces.push(piece);
      piece = '';
      pieceBytes = 0;
    }
    piece += char;
    pieceBytes += bytes;
  }
  if (piece !== '' || pieces.length === 0) pieces.push(piece);
  return pieces;
}

/** Join words into folded lines no wider than foldWidth where the words allow it. */
function foldWords(firstLinePrefix: string, words: string[], separator: string): string {
  let output = firstLinePrefix;
  let lineLength = firstLinePrefix.length;
  words.forEach((word, index) => {
    const glue = index === 0 ? '' : separator;
    if (index > 0 && lineLength + glue.length + word.length > foldWidth) {
      output += `${glue.trimEnd()}\r\n ${word}`;
      lineLength = 1 + word.length;
    } else {
      output += glue + word;
      lineLength += glue.length + word.length;
    }
  });
  return output;
}

/**
 * An unstructured header (Subject) as folded lines: plain ASCII stays readable, anything else
 * becomes UTF-8 B encoded-words (RFC 2047), which also caps every line well below 998 octets.
 * @example unstructuredHeader('Subject', '脆弱なIoT機器') // 'Subject: =?utf-8?B?6ISG5byx...?='
 */
export function unstructuredHeader(name: string, value: string): string {
  assertHeaderSafe(name, value);
  const words = value.split(' ');
  const plainWorks = printableAscii.test(value) && !value.includes('=?') && words.every((word) => word.length <= 900);
  if (plainWorks) return foldWords(`${name}: `, words, ' ');
  const encoded = splitUtf8(value, encodedWordBytes).map((piece) => `=?utf-8?B?${Buffer.from(piece, 'utf8').toString('base64')}?=`);
  // Whitespace between adjacent encoded-words is not displayed (RFC 2047 §6.2), so folding between them is lossless.
  return `${name}: ${encoded.join('\r\n ')}`;
}

/**
 * An address-list header (To) folded after commas.
 * @example addressListHeader('To', ['a@x.example', 'b@y.example']) // 'To: a@x.example, b@y.example'
 */
export function addressListHeader(name: string, addresses: readonly string[]): string {
  for (const address of addresses) assertMailAddress(address, 'recipient');
  return foldWords(`${name}: `, [...addresses], ', ');
}

/**
 * A MIME parameter such as `filename`: a quoted string when plain ASCII, otherwise RFC 2231
 * percent-encoded UTF-8, split into numbered sections so no line grows long.
 * @example mimeParameter('filename', 'report.csv') // ['filename="report.csv"']
 */
export function mimeParameter(name: string, value: string): string[] {
  assertHeaderSafe(name, value);
  if (/^[\u0020-\u007e]{0,60}$/.test(value) && !/["\\]/.test(value)) return [`${name}="${value}"`];
  const encodedChars = [...value].map((char) =>
    /[A-Za-z0-9._~-]/.test(char) ? char : [...Buffer.from(char, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
  const sections: string[] = [];
  let section = "utf-8''";
  for (const encoded of encodedChars) {
    if (section.length + encoded.length > 60) {
      sections.push(section);
      section = '';
    }
    section += encoded;
  }
  sections.push(section);
  return sections.length === 1 ? [`${name}*=${sections[0]}`] : sections.map((text, index) => `${name}*${index}*=${text}`);
}

/**
 * A header with parameters, one parameter per folded line.
 * @example parameterHeader('Content-Disposition', 'attachment', mimeParameter('filename', 'a.csv'))
 */
export function parameterHeader(name: string, value: string, parameters: readonly string[]): string {
  return [`${name}: ${value}`, ...parameters].join(';\r\n ');
}

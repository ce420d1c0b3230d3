/**
 * HTTP/1.x response codec (RFC 9112) tolerant of embedded web servers: bare LF line
 * ends, missing reason phrases, HTTP/1.0, folded and duplicate headers, bodies framed
 * by Content-Length, chunked coding or the end of the connection. Pure functions.
 */

export interface ResponseHead {
  /** e.g. "HTTP/1.1" */
  version: string;
  status: number;
  reason: string;
  /** The status line as received, without its line end. */
  statusLine: string;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
}

export type HeadParse = { state: 'incomplete' } | { state: 'invalid'; reason: string } | { state: 'complete'; head: ResponseHead; bodyStart: number };

/** Longest header section accepted (status line included). */
export const maxHeadBytes = 32 * 1024;
/** Interim (1xx) responses skipped before giving up. */
const maxInterimResponses = 5;

/**
 * The request line and headers for a simple GET; `keepAlive` asks the server to keep the
 * connection open for another request (a login checker's next try), otherwise it is closed.
 * @example buildGetRequest({ path: '/', host: '192.0.2.1:8080', userAgent: 'opennotice' })
 */
export function buildGetRequest(options: { path: string; host: string; userAgent: string; headers?: Record<string, string>; keepAlive?: boolean }): Buffer {
  const lines = [
    `GET ${options.path || '/'} HTTP/1.1`,
    `Host: ${options.host}`,
    `User-Agent: ${options.userAgent}`,
    'Accept: text/html,application/xhtml+xml,*/*;q=0.8',
    ...Object.entries(options.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
    options.keepAlive ? 'Connection: keep-alive' : 'Connection: close',
  ];
  // Header values must never carry a line break into the request.
  return Buffer.from(`${lines.map((line) => line.replace(/[\r\n]/g, ' ')).join('\r\n')}\r\n\r\n`, 'latin1');
}

/**
 * Parse the status line and headers at the start of `bytes`, skipping 1xx interim
 * responses. `bodyStart` is the offset of the first body byte.
 * @example parseResponseHead(Buffer.from('HTTP/1.0 200\nServer: boa\n\nhi')) // complete, status 200, bodyStart 27
 */
export function parseResponseHead(bytes: Buffer): HeadParse {
  let offset = 0;
  for (let interim = 0; interim <= maxInterimResponses; interim++) {
    const parsed = parseOneHead(bytes, offset);
    if (parsed.state !== 'complete') return parsed;
    const { status } = parsed.head;
    if (status < 100 || status >= 200 || status === 101) return parsed;
    offset = parsed.bodyStart;
  }
  return { state: 'invalid', reason: 'too many interim (1xx) responses' };
}

function parseOneHead(bytes: Buffer, offset: number): HeadParse {
  // Some servers send stray blank lines before the status line.
  while (offset < bytes.length && (bytes[offset] === 0x0d || bytes[offset] === 0x0a || bytes[offset] === 0x20)) offset++;
  const prefix = bytes
    .subarray(offset, offset + 5)
    .toString('latin1')
    .toUpperCase();
  if (prefix.length < 5) return 'HTTP/'.startsWith(prefix) ? { state: 'incomplete' } : { state: 'invalid', reason: 'not an HTTP response' };
  if (prefix !== 'HTTP/') return { state: 'invalid', reason: 'not an HTTP response' };

  const headEnd = findBlankLine(bytes, offset);
  if (headEnd === undefined) {
    return bytes.length - offset > maxHeadBytes ? { state: 'invalid', reason: 'header section too large' } : { state: 'incomplete' };
  }
  if (headEnd.start - offset > maxHeadBytes) return { state: 'invalid', reason: 'header section too large' };
  const lines = bytes.subarray(offset, headEnd.start).toString('latin1').split(/\r?\n/);
  const statusLine = lines[0].replace(/\r$/, '');
  const match = /^(HTTP\/\d(?:\.\d)?)\s+(\d{3})(?:\s+(.*))?$/i.exec(statusLine.trim());
  if (!match) return { state: 'invalid', reason: `malformed status line: ${JSON.stringify(statusLine.slice(0, 80))}` };
  return {
    state: 'complete',
    head: { version: match[1].toUpperCase(), status: Number(match[2]), reason: (match[3] ?? '').trim(), statusLine, headers: parseHeaderLines(lines.slice(1)) },
    bodyStart: headEnd.end,
  };
}

/** The first empty line (CRLF CRLF, LF LF, or mixed) at or after `from`. */
function findBlankLine(bytes: Buffer, from: number): { start: number; end: number } | undefined {
  for (let index = bytes.indexOf(0x0a, from); index >= 0; index = bytes.indexOf(0x0a, index + 1)) {
    const next = bytes[index + 1];
    if (next === 0x0a) return { start: index + 1, end: index + 2 };
    if (next === 0x0d && bytes[index + 2] === 0x0a) return { start: index + 1, end: index + 3 };
  }
  return undefined;
}

function parseHeaderLines(lines: string[]): Record<string, string> {
  const headers: Record<string, string> = Object.create(null);
  let lastName: string | undefined;
  for (const rawLine of lines) {
    if (/^[ \t]/.test(rawLine) && lastName) {
      // obs-fold: a continuation of the previous header's value.
      headers[lastName] = `${headers[lastName]} ${rawLine.trim()}`.trim();
      continue;
    }
    const colon = rawLine.indexOf(':');
    if (colon <= 0) continue; // garbage line: ignore, as browsers do
    const name = rawLine.slice(0, colon).trim().toLowerCase();
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name)) continue;
    const value = rawLine.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
    lastName = name;
  }
  return { ...headers };
}

export type BodyFraming = { kind: 'none' } | { kind: 'length'; length: number } | { kind: 'chunked' } | { kind: 'close' };

/**
 * How the body of a response to GET is delimited.
 * @example bodyFraming({ status: 200, headers: { 'content-length': '12' } }) // { kind: 'length', length: 12 }
 */
export function bodyFraming(head: Pick<ResponseHead, 'status' | 'headers'>): BodyFraming {
  if (head.status === 204 || head.status === 304 || (head.status >= 100 && head.status < 200)) return { kind: 'none' };
  const transferEncoding = head.headers['transfer-encoding']?.toLowerCase() ?? '';
  if (/\bchunked\b/.test(transferEncoding)) return { kind: 'chunked' };
  const contentLength = head.headers['content-length'];
  if (contentLength !== undefined) {
    // Duplicates ("12, 12") are common; disagreeing or invalid values mean "read to close".
    const values = [...new Set(contentLength.split(',').map((value) => value.trim()))];
    if (values.length === 1 && /^\d{1,15}$/.test(values[0])) return { kind: 'length', length: Number(values[0]) };
  }
  return { kind: 'close' };
}

export interface ChunkedDecode {
  body: Buffer;
  /** The last (zero-size) chunk was seen. */
  complete: boolean;
  /** A chunk-size line was not hexadecimal: decoding stopped there. */
  malformed: boolean;
}

/**
 * Decode as much of a chunked body as is present, stopping at `maxBody` decoded bytes.
 * @example decodeChunked(Buffer.from('5\r\nhello\r\n0\r\n\r\n')).body.toString() // "hello"
 */
export function decodeChunked(bytes: Buffer, maxBody = Number.MAX_SAFE_INTEGER): ChunkedDecode {
  const parts: Buffer[] = [];
  let total = 0;
  let offset = 0;
  for (let chunks = 0; chunks < 1_000_000; chunks++) {
    const lineEnd = bytes.indexOf(0x0a, offset);
    if (lineEnd < 0) return { body: Buffer.concat(parts), complete: false, malformed: false };
    const sizeText = bytes.subarray(offset, lineEnd).toString('latin1').split(';')[0].trim();
    if (!/^[0-9a-f]{1,8}$/i.test(sizeText)) return { body: Buffer.concat(parts), complete: false, malformed: true };
    const size = parseInt(sizeText, 16);
    if (size === 0) return { body: Buffer.concat(parts), complete: true, malformed: false };
    const dataStart = lineEnd + 1;
    const available = bytes.subarray(dataStart, Math.min(dataStart + size, bytes.length));
    const room = maxBody - total;
    parts.push(available.subarray(0, room));
    total += Math.min(available.length, room);
    if (available.length < size || total >= maxBody) return { body: Buffer.concat(parts), complete: total >= maxBody, malformed: false };
    offset = dataStart + size;
    // Skip the CRLF (or bare LF) after the chunk data.
    if (bytes[offset] === 0x0d) offset++;
    if (bytes[offset] === 0x0a) offset++;
    else if (offset >= bytes.length) return { body: Buffer.concat(parts), complete: false, malformed: false };
  }
  return { body: Buffer.concat(parts), complete: false, malformed: true };
}

export interface BodyRead {
  /** Body bytes received, decoded from chunked coding, at most `maxBody`. */
  body: Buffer;
  /** Nothing more needs reading (the framing is satisfied or the cap reached). */
  complete: boolean;
  truncated: boolean;
}

/**
 * The body that follows a parsed head in `bytes`.
 * @example readBody(head, bytes.subarray(bodyStart), 65536)
 */
export function readBody(head: Pick<ResponseHead, 'status' | 'headers'>, afterHead: Buffer, maxBody: number): BodyRead {
  const framing = bodyFraming(head);
  switch (framing.kind) {
    case 'none':
      return { body: Buffer.alloc(0), complete: true, truncated: false };
    case 'length': {
      const wanted = Math.min(framing.length, maxBody);
      return { body: afterHead.subarray(0, wanted), complete: afterHead.length >= wanted, truncated: framing.length > maxBody };
    }
    case 'chunked': {
      const decoded = decodeChunked(afterHead, maxBody);
      return { body: decoded.body, complete: decoded.complete || decoded.malformed, truncated: decoded.body.length >= maxBody };
    }
    case 'close':
      return { body: afterHead.subarray(0, maxBody), complete: afterHead.length >= maxBody, truncated: afterHead.length >= maxBody };
  }
}

/**
 * For `Connection.readUntil`: true once a whole response (or as much as we want) is in.
 * @example await conn.readUntil((bytes) => isResponseComplete(bytes, 65536))
 */
export function isResponseComplete(bytes: Buffer, maxBody: number): boolean {
  const parsed = parseResponseHead(bytes);
  if (parsed.state === 'incomplete') return false;
  if (parsed.state === 'invalid') return true;
  return readBody(parsed.head, bytes.subarray(parsed.bodyStart), maxBody).complete;
}

export { parseAuthChallenges, type AuthChallenge } from './auth-challenge.ts';

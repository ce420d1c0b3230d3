/**
 * RTSP/1.0 messages (RFC 2326) as cameras write them: a start line, HTTP-style headers
 * (bare LF line ends, folding, repeated headers), and a body framed by Content-Length only
 * (RTSP has no chunked coding, and no Content-Length means no body). Both directions, so the
 * lab's camera speaks through the same code the grabber reads with. Pure functions; caps on
 * the header section, the header count and the body keep hostile peers bounded.
 */
import type { Target } from '../../core/records.ts';

export interface RtspLimits {
  /** Longest header section accepted, start line included. */
  maxHeadBytes: number;
  /** Most header lines accepted (an endless header list ends here even when lines are short). */
  maxHeaders: number;
  /** Most body bytes kept; a longer declared body is cut and the connection is not reused. */
  maxBodyBytes: number;
}

export const defaultRtspLimits: RtspLimits = { maxHeadBytes: 16 * 1024, maxHeaders: 64, maxBodyBytes: 32 * 1024 };

/** One message: its start line, lower-case headers (repeats joined with ", ") and its body. */
export interface RtspMessage {
  startLine: string;
  headers: Record<string, string>;
  body: Buffer;
  /** The declared body was longer than the cap: `body` holds its start, the rest was not read. */
  bodyTruncated: boolean;
  /**
   * False when the next message on the connection cannot be found: the body was cut, or its
   * Content-Length was unusable (then the body is taken as empty).
   */
  reusable: boolean;
}

export type RtspParse<M> = { state: 'incomplete' } | { state: 'invalid'; reason: string } | { state: 'complete'; message: M; end: number };

export interface RtspResponse extends RtspMessage {
  /** "RTSP/1.0" */
  version: string;
  status: number;
  reason: string;
  /** The status line as received, without its line end. */
  statusLine: string;
}

export interface RtspRequest extends RtspMessage {
  method: string;
  url: string;
  version: string;
}

/** A request to send: the methods opennotice sends are OPTIONS and DESCRIBE, nothing that plays or changes a stream. */
export interface RtspRequestSpec {
  method: string;
  url: string;
  cseq: number;
  userAgent?: string;
  /** Further headers in order (Accept, Authorization …). */
  headers?: ReadonlyArray<readonly [string, string]>;
}

/**
 * The bytes of one request. Header values never carry a line break into the request.
 * @example formatRtspRequest({ method: 'OPTIONS', url: 'rtsp://192.0.2.1:554/', cseq: 1, userAgent: 'opennotice' })
 */
export function formatRtspRequest(spec: RtspRequestSpec): Buffer {
  const lines = [
    `${spec.method} ${spec.url} RTSP/1.0`,
    `CSeq: ${spec.cseq}`,
    ...(spec.userAgent ? [`User-Agent: ${spec.userAgent}`] : []),
    ...(spec.headers ?? []).map(([name, value]) => `${name}: ${value}`),
  ];
  return Buffer.from(`${lines.map(withoutLineBreaks).join('\r\n')}\r\n\r\n`, 'latin1');
}

/**
 * The bytes of one response (the lab's cameras answer with it). Content-Length is added when there is a body.
 * @example formatRtspResponse({ status: 200, reason: 'OK', headers: [['CSeq', '1'], ['Public', 'OPTIONS, DESCRIBE']] })
 */
export function formatRtspResponse(spec: {
  status: number;
  reason: string;
  headers: ReadonlyArray<readonly [string, string]>;
  body?: string | Buffer;
}): Buffer {
  const body = spec.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(spec.body) ? spec.body : Buffer.from(spec.body, 'latin1');
  const lines = [
    `RTSP/1.0 ${spec.status} ${spec.reason}`,
    ...spec.headers.map(([name, value]) => `${name}: ${value}`),
    ...(body.length > 0 ? [`Content-Length: ${body.length}`] : []),
  ];
  return Buffer.concat([Buffer.from(`${lines.map(withoutLineBreaks).join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

/**
 * The request URL of a path on a service: `rtsp://address:port/path` (IPv6 in brackets).
 * @example rtspUrl({ ip: '192.0.2.1', port: 554 }, '/live') // "rtsp://192.0.2.1:554/live"
 */
export function rtspUrl(target: Target, path: string): string {
  const host = target.ip.includes(':') ? `[${target.ip}]` : target.ip;
  return `rtsp://${host}:${target.port}${path.startsWith('/') ? path : `/${path}`}`;
}

/**
 * Parse the response at the start of `bytes`; `end` is the offset just past it.
 * @example parseRtspResponse(Buffer.from('RTSP/1.0 200 OK\r\nCSeq: 1\r\n\r\n')) // complete, status 200, end 28
 */
export function parseRtspResponse(bytes: Buffer, limits: RtspLimits = defaultRtspLimits): RtspParse<RtspResponse> {
  const start = skipBlankLines(bytes);
  const prefix = bytes
    .subarray(start, start + 5)
    .toString('latin1')
    .toUpperCase();
  if (!(prefix.length < 5 ? 'RTSP/'.startsWith(prefix) : prefix === 'RTSP/')) return { state: 'invalid', reason: 'not an RTSP response' };
  const parsed = parseMessage(bytes, start, limits);
  if (parsed.state !== 'complete') return parsed;
  const statusLine = parsed.message.startLine;
  const match = /^(RTSP\/\d\.\d)\s+(\d{3})(?:\s+(.*))?$/i.exec(statusLine.trim());
  if (!match) return { state: 'invalid', reason: `malformed status line: ${JSON.stringify(statusLine.slice(0, 80))}` };
  const response: RtspResponse = { ...parsed.message, version: match[1].toUpperCase(), status: Number(match[2]), reason: (match[3] ?? '').trim(), statusLine };
  return { state: 'complete', message: response, end: parsed.end };
}

/**
 * Parse the request at the start of `bytes` (the lab's cameras read with it).
 * @example parseRtspRequest(Buffer.from('OPTIONS rtsp://h/ RTSP/1.0\r\nCSeq: 1\r\n\r\n')) // complete, method OPTIONS
 */
export function parseRtspRequest(bytes: Buffer, limits: RtspLimits = defaultRtspLimits): RtspParse<RtspRequest> {
  const start = skipBlankLines(bytes);
  const parsed = parseMessage(bytes, start, limits);
  if (parsed.state === 'incomplete') {
    // A client that is not speaking RTSP is told so without waiting for a blank line.
    const firstLine = bytes.subarray(start, Math.min(bytes.length, start + 256)).toString('latin1');
    return /^[A-Z_]{0,32}( |$)/.test(firstLine) ? parsed : { state: 'invalid', reason: 'not an RTSP request' };
  }
  if (parsed.state === 'invalid') return parsed;
  const match = /^([A-Z_]{1,32}) (\S{1,2048}) (RTSP\/\d\.\d)$/.exec(parsed.message.startLine.trim());
  if (!match) return { state: 'invalid', reason: `malformed request line: ${JSON.stringify(parsed.message.startLine.slice(0, 80))}` };
  return { state: 'complete', message: { ...parsed.message, method: match[1], url: match[2], version: match[3] }, end: parsed.end };
}

/**
 * The status line at the start of bytes that do not (yet) make a whole response: what a grab
 * keeps of a peer that sent a status line and then endless headers, or silence.
 * @example partialStatusLine(Buffer.from('RTSP/1.0 200 OK\r\nX-a: 1')) // "RTSP/1.0 200 OK"
 */
export function partialStatusLine(bytes: Buffer): string | undefined {
  const start = skipBlankLines(bytes);
  const lineEnd = bytes.indexOf(0x0a, start);
  if (lineEnd < 0 || lineEnd - start > 512) return undefined;
  const line = bytes.subarray(start, lineEnd).toString('latin1').replace(/\r$/, '');
  return /^RTSP\/\d\.\d\s+\d{3}\b/i.test(line) ? line : undefined;
}

/**
 * Whether a reply starts like an RTSP/1.0 response (what detection on any port asks).
 * @example looksLikeRtspReply(Buffer.from('RTSP/1.0 401 Unauthorized\r\n')) // true
 */
export function looksLikeRtspReply(reply: Buffer): boolean {
  const start = skipBlankLines(reply);
  return /^RTSP\/1\.0 \d{3}/i.test(reply.subarray(start, start + 16).toString('latin1'));
}

/**
 * The methods a `Public` header lists, upper-case, at most 32.
 * @example publicMethods('OPTIONS, DESCRIBE,SETUP , play') // ["OPTIONS", "DESCRIBE", "SETUP", "PLAY"]
 */
export function publicMethods(value: string | undefined): string[] {
  if (!value) return [];
  const methods = value
    .slice(0, 1024)
    .split(',')
    .map((method) => method.trim().toUpperCase())
    .filter((method) => /^[A-Z_]{1,32}$/.test(method));
  return [...new Set(methods)].slice(0, 32);
}

function withoutLineBreaks(line: string): string {
  return line.replace(/[\r\n]/g, ' ');
}

/** Stray blank lines (and spaces) some servers send before a message. */
function skipBlankLines(bytes: Buffer): number {
  let offset = 0;
  while (offset < bytes.length && offset < 1024 && (bytes[offset] === 0x0d || bytes[offset] === 0x0a || bytes[offset] === 0x20)) offset++;
  return offset;
}

function parseMessage(bytes: Buffer, start: number, limits: RtspLimits): RtspParse<RtspMessage> {
  const headEnd = findBlankLine(bytes, start, start + limits.maxHeadBytes);
  if (headEnd === undefined) {
    if (bytes.length - start > limits.maxHeadBytes) return { state: 'invalid', reason: 'header section too large' };
    // Count the header lines seen so far: many short lines end the wait before the byte cap does.
    if (countLineEnds(bytes, start) > limits.maxHeaders + 1) return { state: 'invalid', reason: 'too many headers' };
    return { state: 'incomplete' };
  }
  const lines = bytes.subarray(start, headEnd.start).toString('latin1').split(/\r?\n/);
  const startLine = lines[0].replace(/\r$/, '');
  const headerLines = lines.slice(1);
  if (headerLines.length > limits.maxHeaders) return { state: 'invalid', reason: 'too many headers' };
  const headers = parseHeaderLines(headerLines);
  const length = contentLength(headers['content-length']);
  const bodyStart = headEnd.end;
  if (length === undefined) {
    return { state: 'complete', message: { startLine, headers, body: Buffer.alloc(0), bodyTruncated: false, reusable: false }, end: bodyStart };
  }
  const kept = Math.min(length, limits.maxBodyBytes);
  if (bytes.length - bodyStart < kept) return { state: 'incomplete' };
  const truncated = length > limits.maxBodyBytes;
  const body = Buffer.from(bytes.subarray(bodyStart, bodyStart + kept));
  return { state: 'complete', message: { startLine, headers, body, bodyTruncated: truncated, reusable: !truncated }, end: bodyStart + kept };
}

/** Content-Length as a number; 0 when absent (RFC 2326 §12.14); undefined when unusable. */
function contentLength(value: string | undefined): number | undefined {
  if (value === undefined) return 0;
  // Duplicates ("12, 12") happen; disagreeing or non-numeric values cannot frame a body.
  const values = [...new Set(value.split(',').map((part) => part.trim()))];
  return values.length === 1 && /^\d{1,9}$/.test(values[0]) ? Number(values[0]) : undefined;
}

/** The first empty line (CRLF CRLF, LF LF or mixed) starting before `limit`. */
function findBlankLine(bytes: Buffer, from: number, limit: number): { start: number; end: number } | undefined {
  for (let index = bytes.indexOf(0x0a, from); index >= 0 && index <= limit; index = bytes.indexOf(0x0a, index + 1)) {
    const next = bytes[index + 1];
    if (next === 0x0a) return { start: index + 1, end: index + 2 };
    if (next === 0x0d && bytes[index + 2] === 0x0a) return { start: index + 1, end: index + 3 };
  }
  return undefined;
}

function countLineEnds(bytes: Buffer, from: number): number {
  let count = 0;
  for (let index = bytes.indexOf(0x0a, from); index >= 0; index = bytes.indexOf(0x0a, index + 1)) count++;
  return count;
}

function parseHeaderLines(lines: readonly string[]): Record<string, string> {
  const headers = new Map<string, string>();
  let lastName: string | undefined;
  for (const line of lines) {
    if (/^[ \t]/.test(line) && lastName) {
      // A folded line continues the previous header's value.
      headers.set(lastName, `${headers.get(lastName)} ${line.trim()}`.trim());
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue; // a garbage line: ignored, as players do
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]{1,64}$/.test(name)) continue;
    const value = line.slice(colon + 1).trim();
    const earlier = headers.get(name);
    headers.set(name, earlier === undefined ? value : `${earlier}, ${value}`);
    lastName = name;
  }
  return Object.fromEntries(headers);
}

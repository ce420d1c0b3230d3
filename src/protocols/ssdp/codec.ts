/**
 * SSDP (UPnP Device Architecture §1.3): HTTP-like messages over UDP. Pure functions: the one
 * M-SEARCH a survey sends, the parsing of the 200 OK search responses (headers case-insensitive,
 * bounded), and which LOCATION may be fetched (only one on the target's own address).
 */
import type { Target } from '../../core/records.ts';

/** How reports name the request measured. */
export const ssdpRequestName = 'M-SEARCH ssdp:all';

/**
 * The search request: every device and service (`ssdp:all`), answer within a second (`MX: 1`).
 * HOST names the SSDP multicast group as every control point writes it (and as reflection
 * attacks send it), though the datagram goes to the target alone: stacks that check HOST expect
 * that value, and it is the request whose amplification the survey measures.
 * @example encodeMSearch().toString('latin1').split('\r\n')[0] // 'M-SEARCH * HTTP/1.1'
 */
export function encodeMSearch(): Buffer {
  return Buffer.from(['M-SEARCH * HTTP/1.1', 'HOST: 239.255.255.250:1900', 'MAN: "ssdp:discover"', 'MX: 1', 'ST: ssdp:all', '', ''].join('\r\n'), 'latin1');
}

/** One search response's headers that say what the device is. */
export interface SsdpResponse {
  /** Header values by lower-case name (the first of a repeated header), each capped. */
  headers: Readonly<Record<string, string>>;
}

/** Longest reply read as a search response (a real one is a few hundred bytes). */
export const maxResponseBytes = 8 * 1024;
/** Headers read at most from one response. */
const maxHeaders = 48;
/** Longest header value kept. */
const maxValueChars = 512;

/**
 * A search response, or the reason this datagram is not one: it must be an HTTP/1.x 200 whose
 * headers parse and that carries ST or USN (what a search response is for).
 * @example parseSearchResponse(Buffer.from('HTTP/1.1 200 OK\r\nST: upnp:rootdevice\r\n\r\n')) // { ok: true, response: { headers: { st: 'upnp:rootdevice' } } }
 */
export function parseSearchResponse(bytes: Buffer): { ok: true; response: SsdpResponse } | { ok: false; reason: string } {
  if (bytes.length > maxResponseBytes) return { ok: false, reason: `${bytes.length} bytes: larger than ${maxResponseBytes}` };
  const text = bytes.toString('latin1');
  const lines = text.split(/\r?\n/);
  const status = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(lines[0] ?? '');
  if (!status) return { ok: false, reason: 'not an HTTP/1.x status line' };
  if (status[1] !== '200') return { ok: false, reason: `status ${status[1]}, not 200` };
  const headers: Record<string, string> = Object.create(null);
  let count = 0;
  for (const line of lines.slice(1)) {
    if (line === '') break;
    const colon = line.indexOf(':');
    if (colon <= 0) return { ok: false, reason: 'a header line without a name' };
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) return { ok: false, reason: 'a malformed header name' };
    if (++count > maxHeaders) return { ok: false, reason: `more than ${maxHeaders} headers` };
    if (!(name in headers)) headers[name] = clean(line.slice(colon + 1));
  }
  if (headers.st === undefined && headers.usn === undefined) return { ok: false, reason: 'neither ST nor USN: not a search response' };
  return { ok: true, response: { headers: { ...headers } } };
}

function clean(value: string): string {
  return value
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .trim()
    .slice(0, maxValueChars);
}

/** Where a LOCATION may be fetched from, or why not. */
export type DescriptionSource = { ok: true; target: Target; path: string; host: string } | { ok: false; reason: string };

/**
 * The device description a LOCATION points to, only when it is plain HTTP on the target's own
 * address: a LOCATION naming another host (a reflection of someone else, a spoofed reply, an
 * internal address) is never fetched.
 * @example descriptionSource('http://192.0.2.1:5000/rootDesc.xml', '192.0.2.1') // { ok: true, target: { ip: '192.0.2.1', port: 5000 }, path: '/rootDesc.xml', host: '192.0.2.1:5000' }
 */
export function descriptionSource(location: string, targetIp: string): DescriptionSource {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return { ok: false, reason: 'not a URL' };
  }
  if (url.protocol !== 'http:') return { ok: false, reason: `${url.protocol} is not plain HTTP` };
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'a URL with credentials' };
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (host !== targetIp.toLowerCase()) return { ok: false, reason: `another host (${url.hostname})` };
  const port = url.port === '' ? 80 : Number(url.port);
  return { ok: true, target: { ip: targetIp, port }, path: `${url.pathname}${url.search}`, host: url.host };
}

import type { Target } from '../../core/records.ts';
import type { GrabContext, GrabOutcome } from '../grab.ts';
import type { ResponseHead } from '../http/codec.ts';
import { hostHeader, httpGet, maxBodyBytes } from '../http/exchange.ts';
import { describeRoot, descriptionPaths, type UpnpDeviceFacts } from './codec.ts';
import { readXml, type XmlRefusal } from './xml.ts';

/** What a UPnP grab records: the root device's facts, its services, the first embedded device's facts. */
export type UpnpResult = UpnpDeviceFacts & {
  /** The path that answered with the description (or with the document that was refused). */
  descriptionPath: string;
  /** The HTTP Server header of that answer ("Linux/5.10 UPnP/1.1 MiniUPnPd/2.3.1"). */
  server?: string;
  services: string[];
  embedded?: UpnpDeviceFacts;
  /** Why the document was refused unread: an XML bomb, an external entity, too large, … */
  refusal?: XmlRefusal;
};

/** Longest Server header kept. */
const maxServerChars = 256;

/**
 * Ask the well-known description paths in order, over HTTP on the grabbed port, and read the
 * first UPnP root. Stops at the first network failure (a port that does not answer one path will
 * not answer the next) and at the first refused document (a device that serves an XML bomb or an
 * external entity is recorded as such, not asked again).
 * @example const outcome = await grabUpnp(ctx, { ip: '192.0.2.1', port: 5000 }) // outcome.result.manufacturer
 */
export async function grabUpnp(ctx: GrabContext, target: Target): Promise<GrabOutcome<UpnpResult>> {
  let server: string | undefined;
  for (const path of descriptionPaths) {
    const response = await httpGet(ctx, { target, path, host: hostHeader(target) });
    if (!response.head) {
      return { status: response.status, result: server ? { server } : {}, error: `GET ${path}: ${response.error ?? 'no response'}` };
    }
    const header = response.head.headers.server;
    if (header !== undefined) server = header.slice(0, maxServerChars);
    if (response.head.status < 200 || response.head.status >= 300 || !looksLikeXml(response.head, response.body)) continue;
    const withServer = server ? { server } : {};
    if (response.truncated) {
      return {
        status: 'protocol-error',
        result: { descriptionPath: path, refusal: 'too-large', ...withServer },
        error: `${path}: document larger than ${maxBodyBytes} bytes, not read`,
      };
    }
    const read = readXml(response.body);
    if (!read.ok)
      return { status: 'protocol-error', result: { descriptionPath: path, refusal: read.refusal, ...withServer }, error: `${path}: ${read.message}` };
    const description = describeRoot(read.root);
    if (!description) continue;
    return {
      status: 'success',
      result: {
        descriptionPath: path,
        ...withServer,
        ...description.device,
        services: description.services,
        ...(description.embedded ? { embedded: description.embedded } : {}),
      },
    };
  }
  return { status: 'protocol-error', result: server ? { server } : {}, error: 'no UPnP description at the well-known paths' };
}

/**
 * Whether a 2xx answer is meant as an XML document: its content type says XML, or, without one
 * that says otherwise, it starts like one. A router's HTML page served for every path is not read
 * as XML (its XHTML DOCTYPE and &nbsp; would otherwise look like refusals).
 */
function looksLikeXml(head: ResponseHead, body: Buffer): boolean {
  const type = (head.headers['content-type'] ?? '').toLowerCase();
  if (/\bxml\b/.test(type)) return true;
  if (type !== '' && !type.startsWith('text/plain') && !type.startsWith('application/octet-stream')) return false;
  const start = body
    .subarray(0, 256)
    .toString('latin1')
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, '')
    .trimStart();
  return /^<(\?xml|root[\s>]|!DOCTYPE\s+root\b)/i.test(start);
}

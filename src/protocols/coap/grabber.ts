import { randomBytes } from 'node:crypto';
import type { ReflectionMeasure, Target } from '../../core/records.ts';
import type { DatagramReply } from '../../scope/datagram.ts';
import type { GrabContext, GrabOutcome } from '../grab.ts';
import { reflectionOf } from '../udp-reflection.ts';
import { answers, type Block2, block2Of, type CoapMessage, type CoapType, coapOption, decodeCoap, encodeWellKnownCore, uintOption } from './codec.ts';
import { parseCoreLinks } from './links.ts';

/** What a CoAP grab records of the answer to GET /.well-known/core. */
export type CoapResult = {
  /** Type of the reply that carried the response: ACK (piggy-backed), CON or NON (separate), RST. */
  messageType: CoapType;
  /** Response code, class.detail: "2.05" Content, "4.04" Not Found, "0.00" (an empty ACK only). */
  code: string;
  /** Content-Format of the response (40: application/link-format). */
  contentFormat?: number;
  /** Block2 of the response: the document is longer than this first block (read no further). */
  block2?: Block2;
  /** The link-format document as received (the first block), capped. */
  links?: string;
  /** Link targets ("/sensors/temp"), bounded. */
  resources: string[];
  /** Distinct `rt` (resource type) values: "oic.wk.d", "core.rd" … */
  resourceTypes: string[];
  /** Distinct `title` values, where servers put product names and versions. */
  titles: string[];
  reflection?: ReflectionMeasure;
};

/** How reports name the request measured. */
export const coapRequestName = 'GET /.well-known/core';
/** Characters of the document kept as text. */
const maxLinksChars = 2048;
/** Distinct resource types and titles kept. */
const maxDistinct = 32;
/**
 * Characters kept per list (resources, types, titles). A server sends at most 1 KiB of links per
 * block, so only a hostile one fills a 64 KiB datagram with 128 links of 256 characters, which
 * would otherwise keep some 30 K characters in every result.
 */
const maxListChars = 4096;

/** The first values whose lengths add up to no more than `maxListChars`. */
function withinListChars(values: readonly string[]): string[] {
  const kept: string[] = [];
  let chars = 0;
  for (const value of values) {
    chars += value.length;
    if (chars > maxListChars) break;
    kept.push(value);
  }
  return kept;
}

/**
 * One confirmable GET /.well-known/core with a fresh message id and token. Replies that do not
 * decode, or answer another request, are not counted; a piggy-backed ACK (or an empty ACK and a
 * separate response) is. Never throws for network trouble.
 * @example const outcome = await grabCoap(ctx, { ip: '192.0.2.1', port: 5683 }) // outcome.result.resources
 */
export async function grabCoap(ctx: GrabContext, target: Target): Promise<GrabOutcome<CoapResult>> {
  const messageId = randomBytes(2).readUInt16BE(0);
  const token = randomBytes(4);
  const request = encodeWellKnownCore(messageId, token);
  // An empty ACK, the separate response and its retransmissions (we never acknowledge): a few replies.
  const exchange = await ctx.query(target, request, { limits: { maxReplies: 4, quietMs: 800 } });
  const valid: DatagramReply[] = [];
  const messages: CoapMessage[] = [];
  let firstReason: string | undefined;
  for (const reply of exchange.replies) {
    const decoded = decodeCoap(reply.data);
    if (!decoded.ok) firstReason ??= decoded.reason;
    else if (!answers(decoded.message, messageId, token)) firstReason ??= 'a reply to another message id or token';
    else {
      valid.push(reply);
      messages.push(decoded.message);
    }
  }
  if (messages.length === 0) {
    if (exchange.replies.length > 0)
      return { status: 'protocol-error', result: {}, error: `no CoAP answer among ${exchange.replies.length} replies: ${firstReason}` };
    return { status: exchange.status, result: {}, ...(exchange.error ? { error: exchange.error } : {}) };
  }
  const response = messages.find((message) => message.code !== '0.00') ?? messages[0];
  return { status: 'success', result: { ...describeResponse(response), reflection: reflectionOf(coapRequestName, request.length, valid) } };
}

/**
 * What a response says: its code and, for a 2.xx link-format document, the resources it lists.
 * @example describeResponse(message).resources // ['/sensors/temp']
 */
export function describeResponse(message: CoapMessage): Omit<CoapResult, 'reflection'> {
  const format = message.options.find((option) => option.number === coapOption.contentFormat);
  const contentFormat = format && format.value.length <= 2 ? uintOption(format.value) : undefined;
  const block2 = block2Of(message);
  const base = { messageType: message.type, code: message.code, resources: [], resourceTypes: [], titles: [] };
  const isDocument = message.code.startsWith('2.') && message.payload.length > 0 && (contentFormat === undefined || contentFormat === 40);
  const extra = { ...(contentFormat === undefined ? {} : { contentFormat }), ...(block2 ? { block2 } : {}) };
  if (!isDocument) return { ...base, ...extra };
  const text = message.payload.toString('utf8');
  const links = parseCoreLinks(text);
  const distinct = (name: string) => [...new Set(links.flatMap((link) => (link.params[name] ? [link.params[name]] : [])))].slice(0, maxDistinct);
  return {
    ...base,
    ...extra,
    links: text.replace(/[\u0000-\u001f\u007f]+/g, ' ').slice(0, maxLinksChars),
    resources: withinListChars(links.map((link) => link.target)),
    // `rt` may list several types separated by spaces (RFC 6690 §3.1).
    resourceTypes: withinListChars([...new Set(distinct('rt').flatMap((value) => value.split(/\s+/)))].filter((value) => value !== '').slice(0, maxDistinct)),
    titles: withinListChars(distinct('title')),
  };
}

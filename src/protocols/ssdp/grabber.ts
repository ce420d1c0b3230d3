import type { ReflectionMeasure, Target } from '../../core/records.ts';
import type { DatagramReply } from '../../scope/datagram.ts';
import type { GrabContext, GrabOutcome } from '../grab.ts';
import { httpGet } from '../http/exchange.ts';
import { describeRoot, type UpnpDeviceFacts } from '../upnp/codec.ts';
import { readXml } from '../upnp/xml.ts';
import { reflectionOf } from '../udp-reflection.ts';
import { descriptionSource, encodeMSearch, parseSearchResponse, ssdpRequestName, type SsdpResponse } from './codec.ts';

/** What an SSDP grab records: the search responses' headers, and the device description when fetched. */
export type SsdpResult = UpnpDeviceFacts & {
  /** SERVER of the first response: "Linux/5.10 UPnP/1.1 MiniUPnPd/2.3.1". */
  server?: string;
  /** LOCATION of the first response that has one: the device description's URL. */
  location?: string;
  /** CACHE-CONTROL of the first response: "max-age=120". */
  cacheControl?: string;
  /** Distinct ST values of the responses (device and service types), bounded. */
  searchTargets: string[];
  /** Distinct USN values, bounded. */
  usns: string[];
  /**
   * What became of the LOCATION: `read` (its description gave the facts), `other-host` (not
   * the target's address: never fetched), `unreachable`, `not-upnp`, or an XML refusal.
   */
  description?: string;
  reflection?: ReflectionMeasure;
};

/** Responses kept at most: a root device and its services rarely answer ssdp:all with more than a dozen. */
const maxReplies = 32;
/** Distinct ST and USN values kept. */
const maxDistinct = 32;
/** The description fetch is a courtesy read: short limits. */
const descriptionLimits = { connectTimeoutMs: 2000, ioTimeoutMs: 2000, deadlineMs: 5000 };

/**
 * One unicast M-SEARCH for ssdp:all; the 200 responses are read and measured; the first LOCATION
 * on the target's own address is fetched over TCP (one GET, no redirect) and read as a UPnP
 * device description. Never throws for network trouble.
 * @example const outcome = await grabSsdp(ctx, { ip: '192.0.2.1', port: 1900 }) // outcome.result.server, outcome.result.modelName
 */
export async function grabSsdp(ctx: GrabContext, target: Target): Promise<GrabOutcome<SsdpResult>> {
  const request = encodeMSearch();
  // MX 1: responders spread their answers over up to a second.
  const exchange = await ctx.query(target, request, { limits: { maxReplies, quietMs: 1200 } });
  const valid: DatagramReply[] = [];
  const responses: SsdpResponse[] = [];
  let firstReason: string | undefined;
  for (const reply of exchange.replies) {
    const parsed = parseSearchResponse(reply.data);
    if (parsed.ok) {
      valid.push(reply);
      responses.push(parsed.response);
    } else firstReason ??= parsed.reason;
  }
  if (responses.length === 0) {
    if (exchange.replies.length > 0)
      return { status: 'protocol-error', result: {}, error: `no SSDP response among ${exchange.replies.length} replies: ${firstReason}` };
    return { status: exchange.status, result: {}, ...(exchange.error ? { error: exchange.error } : {}) };
  }
  const first = (name: string) => responses.find((response) => response.headers[name] !== undefined)?.headers[name];
  const distinct = (name: string) => [...new Set(responses.flatMap((response) => response.headers[name] ?? []))].slice(0, maxDistinct);
  const server = first('server');
  const location = first('location');
  const cacheControl = first('cache-control');
  const result: Partial<SsdpResult> = {
    ...(server === undefined ? {} : { server }),
    ...(location === undefined ? {} : { location }),
    ...(cacheControl === undefined ? {} : { cacheControl }),
    searchTargets: distinct('st'),
    usns: distinct('usn'),
    reflection: reflectionOf(ssdpRequestName, request.length, valid),
  };
  if (location !== undefined) Object.assign(result, await readDescription(ctx, location, target.ip));
  return { status: 'success', result };
}

/** The device facts at `location`, if it is on the target's address and holds a UPnP root. */
async function readDescription(ctx: GrabContext, location: string, targetIp: string): Promise<Partial<SsdpResult>> {
  const source = descriptionSource(location, targetIp);
  if (!source.ok) return { description: source.reason.startsWith('another host') ? 'other-host' : 'not-http' };
  const response = await httpGet(ctx, { target: source.target, path: source.path, host: source.host, limits: descriptionLimits });
  if (!response.head) return { description: 'unreachable' };
  if (response.head.status < 200 || response.head.status >= 300 || response.truncated) return { description: 'not-upnp' };
  const read = readXml(response.body);
  if (!read.ok) return { description: read.refusal };
  const description = describeRoot(read.root);
  if (!description) return { description: 'not-upnp' };
  return { description: 'read', ...description.device };
}

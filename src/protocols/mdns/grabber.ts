import { randomBytes } from 'node:crypto';
import type { ReflectionMeasure, Target } from '../../core/records.ts';
import type { DatagramReply } from '../../scope/datagram.ts';
import type { GrabContext, GrabOutcome } from '../grab.ts';
import { reflectionOf } from '../udp-reflection.ts';
import { answersQuery, decodeDns, type DnsMessage, encodeServicesQuery, servicesName } from './codec.ts';

/** What an mDNS grab records of the answers to the service type enumeration. */
export type MdnsResult = {
  /** Service types the responder offers: "_http._tcp.local", "_ipp._tcp.local" … */
  serviceTypes: string[];
  /** Service instance names any answer carried: "Kestrix KX-C20._http._tcp.local". */
  instances: string[];
  /** Host names of SRV and address records: "kestrix-cam.local". */
  hostnames: string[];
  /** The first device or instance name, without its service type: what the owner named it. */
  deviceName?: string;
  /** HINFO of any answer, "CPU OS": "X86_64 LINUX". */
  hinfo?: string;
  /** TXT keys that name the product (model, md, ty, usb_MDL, am, fw …), lower-case key → first value. */
  txt?: Readonly<Record<string, string>>;
  /** The first of the TXT model keys: `model`, `md`, `usb_mdl`, `ty`, `am`, `product`. */
  model?: string;
  reflection?: ReflectionMeasure;
};

/** How reports name the request measured. */
export const mdnsRequestName = `PTR ${servicesName}`;
/** Distinct values kept per list. */
const maxDistinct = 32;
/** TXT keys that name a product or its firmware (Apple, IPP printers, DIAL, Chromecast, HomeKit …). */
const productKeys = ['model', 'md', 'mdl', 'usb_mdl', 'ty', 'am', 'product', 'manufacturer', 'mf', 'vendor', 'fv', 'fw', 'firmware', 'srcvers', 'rpmd', 'mn'];
const modelKeys = ['model', 'md', 'usb_mdl', 'mdl', 'ty', 'am', 'product', 'mn'];
const maxValueChars = 256;

/**
 * One legacy unicast query (RFC 6762 §6.7: from an ephemeral port, so the answer comes back by
 * unicast) for the DNS-SD service type list. Answers are counted only when they repeat the query
 * id (or carry id 0 and answer the services name). Never throws for network trouble.
 * @example const outcome = await grabMdns(ctx, { ip: '192.0.2.1', port: 5353 }) // outcome.result.serviceTypes
 */
export async function grabMdns(ctx: GrabContext, target: Target): Promise<GrabOutcome<MdnsResult>> {
  const id = randomBytes(2).readUInt16BE(0) || 1;
  const request = encodeServicesQuery(id);
  // Responders delay answers to shared records by 20–120 ms (RFC 6762 §6) and may split them.
  const exchange = await ctx.query(target, request, { limits: { maxReplies: 8, quietMs: 600 } });
  const valid: DatagramReply[] = [];
  const messages: DnsMessage[] = [];
  let firstReason: string | undefined;
  for (const reply of exchange.replies) {
    const decoded = decodeDns(reply.data);
    if (!decoded.ok) firstReason ??= decoded.reason;
    else if (!answersQuery(decoded.message, id)) firstReason ??= 'a message that does not answer the query';
    else {
      valid.push(reply);
      messages.push(decoded.message);
    }
  }
  if (messages.length === 0) {
    if (exchange.replies.length > 0)
      return { status: 'protocol-error', result: {}, error: `no mDNS answer among ${exchange.replies.length} replies: ${firstReason}` };
    return { status: exchange.status, result: {}, ...(exchange.error ? { error: exchange.error } : {}) };
  }
  return { status: 'success', result: { ...describeAnswers(messages), reflection: reflectionOf(mdnsRequestName, request.length, valid) } };
}

/**
 * What the answers say about the device.
 * @example describeAnswers([message]).serviceTypes // ['_http._tcp.local']
 */
export function describeAnswers(messages: readonly DnsMessage[]): Omit<MdnsResult, 'reflection'> {
  const records = messages.flatMap((message) => message.records);
  const serviceTypes = new Set<string>();
  const instances = new Set<string>();
  const hostnames = new Set<string>();
  const txt: Record<string, string> = Object.create(null);
  let hinfo: string | undefined;
  for (const record of records) {
    const { data } = record;
    if (data.kind === 'name' && record.name.toLowerCase() === servicesName) serviceTypes.add(data.name);
    else if (data.kind === 'name' && /^_[^.]+\._(tcp|udp)\./i.test(record.name)) instances.add(data.name);
    else if (data.kind === 'srv') {
      instances.add(record.name);
      hostnames.add(data.target);
    } else if (data.kind === 'address') hostnames.add(record.name);
    else if (data.kind === 'hinfo') hinfo ??= `${data.cpu} ${data.os}`.trim().slice(0, maxValueChars);
    else if (data.kind === 'txt') {
      instances.add(record.name);
      for (const entry of data.strings) {
        const equals = entry.indexOf('=');
        const key = (equals < 0 ? entry : entry.slice(0, equals)).toLowerCase();
        if (equals > 0 && productKeys.includes(key) && !(key in txt)) txt[key] = clean(entry.slice(equals + 1));
      }
    }
  }
  const bounded = (values: Set<string>) =>
    [...values]
      .map(clean)
      .filter((value) => value !== '')
      .slice(0, maxDistinct);
  const instanceList = bounded(instances).filter((name) => !/^_/.test(name));
  const model = modelKeys.map((key) => txt[key]).find((value) => value !== undefined && value !== '');
  const firstInstance = instanceList[0];
  // "Kestrix KX-C20 Camera._http._tcp.local" → the owner's name; otherwise the host's label.
  const deviceName = firstInstance?.replace(/\._[^.]+\._(tcp|udp)\..*$/i, '') ?? [...hostnames][0]?.replace(/\.local$/i, '');
  return {
    serviceTypes: bounded(serviceTypes),
    instances: instanceList,
    hostnames: bounded(hostnames),
    ...(deviceName ? { deviceName: clean(deviceName.replace(/\\\./g, '.')) } : {}),
    ...(hinfo ? { hinfo } : {}),
    ...(Object.keys(txt).length > 0 ? { txt: { ...txt } } : {}),
    ...(model ? { model } : {}),
  };
}

function clean(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .trim()
    .slice(0, maxValueChars);
}

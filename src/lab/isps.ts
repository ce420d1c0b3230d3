/**
 * The lab's synthetic ISPs: who "owns" each part of the lab's address space, so that
 * attribution, notification and tracking run against the lab as they would against a
 * national address space. Everything here is fictional and deterministic: the same lab
 * network always gives the same ISPs, routes and contacts.
 *
 * Layout, in /16 terms (third octet of the lab network; other sizes scale the same way):
 *
 *   0–127   /17  AS64496  Sakura Net (big, first ASN)
 *     96–111  /20  AS65536  Kumo Mobile — a more-specific route nested inside Sakura's /17
 *     124–127 /22  (no route of its own) Minato Cable's customer space, announced by its
 *                  upstream Sakura: listed in Minato's registry `prefixes`, routed by AS64496
 *   128–159 /19  AS64497  Sakura Net (second ASN)
 *   160–191 /19  AS64498  Hikari Broadband (mid-sized)
 *   192–207 /20  AS64499  Minato Cable (small, regional, rents and manages customer routers)
 *   208–223 /20  AS65536  Kumo Mobile (mobile operator)
 *   224–239 /20  AS64511  routed, but by an AS that is NOT in the registry
 *   240–255 /20  not routed at all
 *
 * ASNs come from the documentation ranges (RFC 5398: 64496–64511 and 65536–65551), so
 * they can never be mistaken for a real network. Contacts are `.example` domains; the
 * lab's SMTP sink and a loopback webhook receiver stand in for the ISPs' mailboxes.
 */
import { OpenNoticeError } from '../core/errors.ts';
import { formatIPv4 } from '../scope/ipv4.ts';
import type { IspRecord } from '../store/roles/isp-attribution.ts';
import { parseLabCidr } from './options.ts';

/** A route of the lab's synthetic routing table (the shape of a prefix-table entry). */
export interface LabRoute {
  prefix: string;
  asn: number;
  asName: string;
  country: string;
}

export interface LabIsps {
  /** The ISP registry of the lab. */
  isps: IspRecord[];
  /** The lab's routing table: what a pfx2as or ip2asn file would say about the lab network. */
  prefixes: LabRoute[];
  /** ASNs that route part of the lab but are in no ISP's record ("ASN not in the registry"). */
  unregisteredAsns: number[];
  /** Parts of the lab network that no route covers. */
  unrouted: string[];
}

export interface LabIspOptions {
  /** The webhook receiver of the ISP that wants webhooks (loopback only); defaults to `labWebhookPlaceholder`. */
  webhookUrl?: string;
}

/** Where the webhook ISP posts until a caller fills in its receiver's address: a loopback port nothing listens on. */
export const labWebhookPlaceholder = 'http://127.0.0.1:9/opennotice-lab-webhook';

/** A block of the lab network, in /16 terms: starting third octet and how many bits longer than the lab's prefix. */
interface Block {
  fromOctet: number;
  extraBits: number;
}

interface RouteSpec extends Block {
  asn: number;
  asName: string;
}

/** The routing table, ordered by address (nested routes after the route that holds them). */
const routeSpecs: readonly RouteSpec[] = [
  { fromOctet: 0, extraBits: 1, asn: 64496, asName: 'SAKURANET Sakura Net K.K.' },
  { fromOctet: 96, extraBits: 4, asn: 65536, asName: 'KUMO-MOBILE Kumo Mobile Inc.' },
  { fromOctet: 128, extraBits: 3, asn: 64497, asName: 'SAKURANET-EAST Sakura Net K.K.' },
  { fromOctet: 160, extraBits: 3, asn: 64498, asName: 'HIKARI-BB Hikari Broadband Co., Ltd.' },
  { fromOctet: 192, extraBits: 4, asn: 64499, asName: 'MINATO-CATV Minato Cable TV Co., Ltd.' },
  { fromOctet: 208, extraBits: 4, asn: 65536, asName: 'KUMO-MOBILE Kumo Mobile Inc.' },
  { fromOctet: 224, extraBits: 4, asn: 64511, asName: 'TOKAI-TRANSIT Tokai Transit Networks' },
];
const unregisteredAsn = 64511;
const unroutedBlock: Block = { fromOctet: 240, extraBits: 4 };
/** Minato Cable's customer space inside Sakura's /17 (no route of its own). */
const minatoCustomerBlock: Block = { fromOctet: 124, extraBits: 6 };
/** The longest prefix the layout needs is the lab's prefix plus this; it must stay a valid IPv4 prefix. */
const maxExtraBits = 6;

/**
 * The lab's ISPs, routes, unregistered ASN and unrouted space for a lab network
 * (a /16 by default; any /16 to /24 inside 127.0.0.0/8 scales the same layout).
 * @example
 * const { isps, prefixes } = labIsps('127.77.0.0/16');
 * isps.map((isp) => isp.id) // ['sakura-net', 'hikari-bb', 'minato-cable', 'kumo-mobile']
 * prefixes[0] // { prefix: '127.77.0.0/17', asn: 64496, asName: 'SAKURANET Sakura Net K.K.', country: 'JP' }
 */
export function labIsps(cidr = '127.77.0.0/16', options: LabIspOptions = {}): LabIsps {
  const network = parseLabCidr(cidr);
  if (network.prefixLength + maxExtraBits > 30) {
    throw new OpenNoticeError('USAGE', `the lab's ISPs need a lab network of /16 to /24 (its smallest block is ${maxExtraBits} bits longer), got ${cidr}`);
  }
  const webhookUrl = options.webhookUrl ?? labWebhookPlaceholder;
  requireLoopbackUrl(webhookUrl);
  const block = (spec: Block) => blockPrefix(network.network, network.prefixLength, spec);

  const isp = (
    id: string,
    name: string,
    asns: number[],
    prefixes: string[],
    details: Pick<IspRecord, 'preferences' | 'managesCustomerDevices'> & { webhook?: boolean; portalUsers: string[] },
  ): IspRecord => ({
    id,
    name,
    asns,
    prefixes,
    contacts: {
      abuseEmail: `abuse@${id}.example`,
      ...(details.webhook ? { webhookUrl } : {}),
      portalUsers: details.portalUsers.map((user) => `${user}@${id}.example`),
    },
    preferences: details.preferences,
    managesCustomerDevices: details.managesCustomerDevices,
  });

  const isps: IspRecord[] = [
    isp('sakura-net', 'Sakura Net K.K.', [64496, 64497], [], {
      preferences: { format: 'csv', cadence: 'daily', language: 'ja' },
      managesCustomerDevices: false,
      portalUsers: ['noc', 'abuse-desk'],
    }),
    isp('hikari-bb', 'Hikari Broadband Co., Ltd.', [64498], [], {
      preferences: { format: 'json', cadence: 'weekly', language: 'en' },
      managesCustomerDevices: false,
      webhook: true,
      portalUsers: ['secops'],
    }),
    isp('minato-cable', 'Minato Cable TV Co., Ltd.', [64499], [block(minatoCustomerBlock)], {
      preferences: { format: 'csv', cadence: 'weekly', language: 'ja' },
      managesCustomerDevices: true,
      portalUsers: ['support'],
    }),
    isp('kumo-mobile', 'Kumo Mobile Inc.', [65536], [], {
      preferences: { format: 'stix', cadence: 'daily', language: 'en' },
      managesCustomerDevices: false,
      portalUsers: ['csirt'],
    }),
  ];
  return {
    isps,
    prefixes: routeSpecs.map((spec) => ({ prefix: block(spec), asn: spec.asn, asName: spec.asName, country: 'JP' })),
    unregisteredAsns: [unregisteredAsn],
    unrouted: [block(unroutedBlock)],
  };
}

/** The CIDR of a layout block inside the lab network (blocks are aligned by construction). */
function blockPrefix(networkAddress: number, prefixLength: number, spec: Block): string {
  const labSize = 2 ** (32 - prefixLength);
  const start = networkAddress + (spec.fromOctet * labSize) / 256;
  const length = prefixLength + spec.extraBits;
  if (!Number.isInteger(start) || start % 2 ** (32 - length) !== 0) throw new Error(`lab ISP block ${spec.fromOctet}/+${spec.extraBits} is not aligned`);
  return `${formatIPv4(start)}/${length}`;
}

/** Lab contacts stay on this machine: a webhook URL must name a loopback host. */
function requireLoopbackUrl(text: string): void {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new OpenNoticeError('USAGE', `lab webhook URL is not a URL: "${text}"`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const loopback = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === '::1' || host === 'localhost';
  if (!loopback || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new OpenNoticeError('USAGE', `lab webhook URL must be http(s) on loopback (127.0.0.0/8 or ::1), got "${text}"`);
  }
}

/**
 * The blocklist as a DNS Response Policy Zone (RPZ, draft-vixie-dnsop-dns-rpz): the zone text
 * unbound (`rpz:` with `zonefile:`) and BIND (`response-policy`) load. A domain is a QNAME
 * trigger for itself and, as `*.name`, for every name under it; an address or CIDR is an
 * rpz-ip trigger, which rewrites any answer that contains an address inside it.
 */
import { OpenNoticeError } from '../core/errors.ts';
import { formatIPv6, parseIPv6 } from '../scope/ipv6.ts';
import type { BlockIndicator } from './indicator.ts';
import { indicatorComment, indicatorPrefix } from './indicator-list.ts';

/**
 * What a blocked name answers: NXDOMAIN (`CNAME .`), NODATA (`CNAME *.`), or local data — a
 * walled garden that explains the block (A and/or AAAA of the operator's own page).
 */
export type RpzPolicy = { action: 'nxdomain' } | { action: 'nodata' } | { action: 'local'; a?: string; aaaa?: string };

export interface RpzZoneOptions {
  /** The zone's name, without the trailing dot (e.g. "rpz.opennotice"). */
  origin: string;
  /** The SOA serial: the export's version number, so every new version has a greater one. */
  serial: number;
  policy: RpzPolicy;
  /** TTL of every record; short, so a withdrawn block stops acting soon. */
  ttl?: number;
}

/** One resource record of the zone, owner relative to the origin. */
export interface RpzRecord {
  owner: string;
  type: 'CNAME' | 'A' | 'AAAA';
  data: string;
}

export const defaultRpzTtl = 60;

/**
 * The rpz-ip owner of a prefix: prefix length, then the address's labels in reverse — IPv4
 * octets, IPv6 16-bit groups in hex with the longest zero run as "zz".
 * @example rpzIpOwner('192.0.2.0/24') // '24.0.2.0.192.rpz-ip'
 * @example rpzIpOwner('2001:db8::1/128') // '128.1.zz.db8.2001.rpz-ip'
 */
export function rpzIpOwner(prefix: string): string {
  const [address = '', length = ''] = prefix.split('/');
  if (!address.includes(':')) return `${length}.${address.split('.').reverse().join('.')}.rpz-ip`;
  // RFC 5952 text already compresses the longest zero run into "::", which is where "zz" goes.
  const compressed = formatIPv6(parseIPv6(address) ?? 0n);
  const [head = '', tail] = compressed.split('::');
  const groups = tail === undefined ? head.split(':') : [...(head ? head.split(':') : []), 'zz', ...(tail ? tail.split(':') : [])];
  return `${length}.${groups.reverse().join('.')}.rpz-ip`;
}

/** Local data with no record would be an empty policy: the listed names would not be blocked at all. */
function checkPolicy(policy: RpzPolicy): void {
  if (policy.action === 'local' && !policy.a && !policy.aaaa)
    throw new OpenNoticeError('CONFIG_INVALID', 'a walled-garden RPZ policy needs an A or AAAA address');
}

function actionRecords(owner: string, policy: RpzPolicy): RpzRecord[] {
  if (policy.action === 'nxdomain') return [{ owner, type: 'CNAME', data: '.' }];
  if (policy.action === 'nodata') return [{ owner, type: 'CNAME', data: '*.' }];
  const records: RpzRecord[] = [];
  if (policy.a) records.push({ owner, type: 'A', data: policy.a });
  if (policy.aaaa) records.push({ owner, type: 'AAAA', data: policy.aaaa });
  return records;
}

/**
 * The policy records for the indicators RPZ can express. An indicator limited to one port is
 * left out: DNS cannot block a port, and blocking the whole name or address for it would
 * block more than the operator approved (nftables, ipset and the ACL carry those).
 * @example rpzRecords([{ kind: 'domain', value: 'evil.example', reason: 'C&C', approvedAt: '…' }], { action: 'nxdomain' })
 */
export function rpzRecords(indicators: readonly BlockIndicator[], policy: RpzPolicy): RpzRecord[] {
  checkPolicy(policy);
  const records: RpzRecord[] = [];
  for (const indicator of indicators) {
    if (indicator.port !== undefined) continue;
    if (indicator.kind === 'domain') {
      records.push(...actionRecords(indicator.value, policy), ...actionRecords(`*.${indicator.value}`, policy));
    } else records.push(...actionRecords(rpzIpOwner(indicatorPrefix(indicator)), policy));
  }
  return records;
}

/** The SOA record's data: the names are placeholders (an RPZ is never queried for them). */
export function rpzSoaData(serial: number, ttl: number): string {
  return `localhost. hostmaster.localhost. ${serial} 3600 600 86400 ${ttl}`;
}

/**
 * The whole zone text.
 * @example writeRpzZone(indicators, { origin: 'rpz.opennotice', serial: 3, policy: { action: 'nxdomain' } })
 */
export function writeRpzZone(indicators: readonly BlockIndicator[], options: RpzZoneOptions): string {
  checkPolicy(options.policy);
  const ttl = options.ttl ?? defaultRpzTtl;
  const lines = [
    `; opennotice blocklist as a response policy zone, version ${options.serial}, ${indicators.length} indicators`,
    `$ORIGIN ${options.origin}.`,
    `$TTL ${ttl}`,
    `@ IN SOA ${rpzSoaData(options.serial, ttl)}`,
    '@ IN NS localhost.',
  ];
  for (const indicator of indicators) {
    if (indicator.port !== undefined) {
      lines.push(`; not in RPZ (port ${indicator.port} only): ${indicator.kind} ${indicator.value}`);
      continue;
    }
    lines.push(`; ${indicator.kind} ${indicator.value}: ${indicatorComment(indicator)}`);
    for (const record of rpzRecords([indicator], options.policy)) lines.push(`${record.owner} IN ${record.type} ${record.data}`);
  }
  return `${lines.join('\n')}\n`;
}

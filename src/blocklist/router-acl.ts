/**
 * The blocklist for routers: Cisco-IOS-style extended access lists (IPv4 with wildcard masks,
 * IPv6 with prefixes), each ending in a permit so applying it blocks only what is listed, and
 * a plain list (one prefix, or prefix and port, a line) for routers and firewalls of other makes.
 */
import type { BlockIndicator } from './indicator.ts';
import { indicatorComment, indicatorFamily, indicatorPrefix, indicatorProtocols } from './indicator-list.ts';

export interface RouterAclOptions {
  /** ACL name, default "OPENNOTICE-BLOCK" (the IPv6 list gets "-V6"). */
  name?: string;
  version: number;
}

/** IOS remarks are at most 100 characters. */
const remarkLength = 100;

/** "192.0.2.0/24" as IOS's "192.0.2.0 0.0.0.255", a single address as "host 192.0.2.7". */
function ipv4Destination(prefix: string): string {
  const [address = '', lengthText = '32'] = prefix.split('/');
  const length = Number(lengthText);
  if (length === 32) return `host ${address}`;
  if (length === 0) return 'any';
  const wildcard = (2 ** (32 - length) - 1) >>> 0;
  return `${address} ${[24, 16, 8, 0].map((shift) => (wildcard >>> shift) & 0xff).join('.')}`;
}

function ipv6Destination(prefix: string): string {
  return prefix.endsWith('/128') ? `host ${prefix.slice(0, -4)}` : prefix;
}

function denyLines(indicator: BlockIndicator, anyProtocol: string): string[] {
  const prefix = indicatorPrefix(indicator);
  const destination = indicatorFamily(indicator) === 'ipv6' ? ipv6Destination(prefix) : ipv4Destination(prefix);
  if (indicator.port === undefined) return [` deny ${anyProtocol} any ${destination}`];
  return indicatorProtocols(indicator).map((protocol) => ` deny ${protocol} any ${destination} eq ${indicator.port}`);
}

/**
 * The IOS access lists.
 * @example writeCiscoAcl(indicators, { version: 3 }) // 'ip access-list extended OPENNOTICE-BLOCK\n remark …\n deny ip any host 192.0.2.7\n …'
 */
export function writeCiscoAcl(indicators: readonly BlockIndicator[], options: RouterAclOptions): string {
  const name = options.name ?? 'OPENNOTICE-BLOCK';
  const lines = [`! opennotice blocklist for routers, version ${options.version}`];
  for (const [family, header, anyProtocol] of [
    ['ipv4', `ip access-list extended ${name}`, 'ip'],
    ['ipv6', `ipv6 access-list ${name}-V6`, 'ipv6'],
  ] as const) {
    lines.push(header);
    for (const indicator of indicators) {
      if (indicator.kind === 'domain' || indicatorFamily(indicator) !== family) continue;
      lines.push(` remark ${indicatorComment(indicator)}`.slice(0, remarkLength + 1), ...denyLines(indicator, anyProtocol));
    }
    lines.push(` permit ${anyProtocol} any any`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * One prefix a line ("192.0.2.7/32", "192.0.2.7/32 tcp/udp 443", "192.0.2.7/32 udp 6881"), domains left out.
 * @example writePlainAddressList(indicators, { version: 3 })
 */
export function writePlainAddressList(indicators: readonly BlockIndicator[], options: { version: number }): string {
  const lines = [`# opennotice blocklist, addresses and prefixes, version ${options.version}`];
  for (const indicator of indicators) {
    if (indicator.kind === 'domain') continue;
    lines.push(`${indicatorPrefix(indicator)}${indicator.port === undefined ? '' : ` ${indicatorProtocols(indicator).join('/')} ${indicator.port}`}`);
  }
  return `${lines.join('\n')}\n`;
}

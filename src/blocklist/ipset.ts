/**
 * The blocklist as an `ipset restore` file: hash:net sets per family (addresses and CIDRs)
 * and hash:net,port sets for indicators limited to one port (the indicator's protocol, else tcp
 * and udp both). Each set is
 * created if missing and flushed before it is filled, so restoring a new version replaces the
 * old entries; iptables rules (`-m set --match-set NAME dst -j DROP`) stay as they are.
 */
import type { BlockIndicator } from './indicator.ts';
import { indicatorComment, indicatorFamily, indicatorPrefix, indicatorProtocols } from './indicator-list.ts';

export interface IpsetOptions {
  /** Prefix of the set names, default "opennotice". */
  prefix?: string;
  version: number;
}

/** The names of the sets a restore file fills, so the operator's iptables rules can refer to them. */
export function ipsetNames(prefix = 'opennotice'): { v4: string; v6: string; v4Port: string; v6Port: string } {
  return { v4: `${prefix}-v4`, v6: `${prefix}-v6`, v4Port: `${prefix}-v4-port`, v6Port: `${prefix}-v6-port` };
}

/**
 * The restore file.
 * @example writeIpsetRestore(indicators, { version: 3 }) // 'create opennotice-v4 hash:net family inet -exist …'
 */
export function writeIpsetRestore(indicators: readonly BlockIndicator[], options: IpsetOptions): string {
  const names = ipsetNames(options.prefix);
  const addresses = indicators.filter((indicator) => indicator.kind !== 'domain');
  const lines = [`# opennotice blocklist for ipset restore, version ${options.version}, ${addresses.length} address indicators`];
  const sets = [
    { name: names.v4, type: 'hash:net', family: 'inet' },
    { name: names.v6, type: 'hash:net', family: 'inet6' },
    { name: names.v4Port, type: 'hash:net,port', family: 'inet' },
    { name: names.v6Port, type: 'hash:net,port', family: 'inet6' },
  ];
  for (const set of sets) lines.push(`create ${set.name} ${set.type} family ${set.family} -exist`, `flush ${set.name}`);
  for (const indicator of addresses) {
    const v6 = indicatorFamily(indicator) === 'ipv6';
    lines.push(`# ${indicatorComment(indicator)}`);
    if (indicator.port === undefined) lines.push(`add ${v6 ? names.v6 : names.v4} ${indicatorPrefix(indicator)} -exist`);
    else
      for (const protocol of indicatorProtocols(indicator))
        lines.push(`add ${v6 ? names.v6Port : names.v4Port} ${indicatorPrefix(indicator)},${protocol}:${indicator.port} -exist`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The blocklist as an nftables script for `nft -f`: one table of its own with named sets
 * (addresses and CIDRs as intervals, per family; address-and-port pairs for indicators limited
 * to one port, and address, protocol and port for those limited to one protocol too) and drop rules in the forward and output hooks. The script first creates and
 * deletes the table, so loading a new version replaces the old one in one transaction and
 * touches no other table.
 */
import type { BlockIndicator } from './indicator.ts';
import { indicatorComment, indicatorFamily, indicatorPrefix } from './indicator-list.ts';

export interface NftablesOptions {
  /** Table name (family inet), default "opennotice_blocklist". */
  table?: string;
  /** The export's version, named in the header comment. */
  version: number;
}

export const defaultNftTable = 'opennotice_blocklist';

interface NamedSet {
  name: string;
  type: string;
  /** auto-merge folds overlapping prefixes (a /32 inside a listed /24) instead of failing. */
  flags: string;
  elements: string[];
  match: string;
}

function setDefinition(set: NamedSet): string[] {
  const lines = [`  set ${set.name} {`, `    type ${set.type}`, `    flags ${set.flags}`];
  if (set.elements.length > 0) lines.push(`    elements = {\n      ${set.elements.join(',\n      ')}\n    }`);
  lines.push('  }');
  return lines;
}

/**
 * The nftables script.
 * @example writeNftablesScript(indicators, { version: 3 }) // 'table inet opennotice_blocklist { … }'
 */
export function writeNftablesScript(indicators: readonly BlockIndicator[], options: NftablesOptions): string {
  const table = options.table ?? defaultNftTable;
  const addresses = indicators.filter((indicator) => indicator.kind !== 'domain');
  /** 'none': the whole address; 'port': one port, TCP and UDP alike (any transport with ports); 'protocol': one port of one protocol. */
  const pick = (family: 'ipv4' | 'ipv6', limit: 'none' | 'port' | 'protocol') =>
    addresses.filter(
      (indicator) =>
        indicatorFamily(indicator) === family && (indicator.port === undefined ? 'none' : indicator.protocol === undefined ? 'port' : 'protocol') === limit,
    );
  const withProtocol = (indicator: BlockIndicator) => `${indicatorPrefix(indicator)} . ${indicator.protocol} . ${indicator.port}`;
  const sets: NamedSet[] = [
    {
      name: 'blocked_v4',
      type: 'ipv4_addr',
      flags: 'interval; auto-merge',
      elements: pick('ipv4', 'none').map(indicatorPrefix),
      match: 'ip daddr @blocked_v4',
    },
    {
      name: 'blocked_v6',
      type: 'ipv6_addr',
      flags: 'interval; auto-merge',
      elements: pick('ipv6', 'none').map(indicatorPrefix),
      match: 'ip6 daddr @blocked_v6',
    },
    {
      name: 'blocked_v4_port',
      type: 'ipv4_addr . inet_service',
      flags: 'interval',
      elements: pick('ipv4', 'port').map((indicator) => `${indicatorPrefix(indicator)} . ${indicator.port}`),
      match: 'ip daddr . th dport @blocked_v4_port',
    },
    {
      name: 'blocked_v6_port',
      type: 'ipv6_addr . inet_service',
      flags: 'interval',
      elements: pick('ipv6', 'port').map((indicator) => `${indicatorPrefix(indicator)} . ${indicator.port}`),
      match: 'ip6 daddr . th dport @blocked_v6_port',
    },
    {
      name: 'blocked_v4_proto_port',
      type: 'ipv4_addr . inet_proto . inet_service',
      flags: 'interval',
      elements: pick('ipv4', 'protocol').map(withProtocol),
      match: 'ip daddr . meta l4proto . th dport @blocked_v4_proto_port',
    },
    {
      name: 'blocked_v6_proto_port',
      type: 'ipv6_addr . inet_proto . inet_service',
      flags: 'interval',
      elements: pick('ipv6', 'protocol').map(withProtocol),
      match: 'ip6 daddr . meta l4proto . th dport @blocked_v6_proto_port',
    },
  ];
  const lines = [`# opennotice blocklist for nftables, version ${options.version}, ${addresses.length} address indicators`];
  for (const indicator of addresses)
    lines.push(
      `# ${indicatorPrefix(indicator)}${indicator.port ? ` ${indicator.protocol ?? 'tcp/udp'} port ${indicator.port}` : ''}: ${indicatorComment(indicator)}`,
    );
  const domains = indicators.length - addresses.length;
  if (domains > 0) lines.push(`# ${domains} domain indicators are not here: nftables matches addresses (see the RPZ)`);
  lines.push(`table inet ${table}`, `delete table inet ${table}`, `table inet ${table} {`);
  for (const set of sets) lines.push(...setDefinition(set));
  for (const [chain, hook] of [
    ['forward_block', 'forward'],
    ['output_block', 'output'],
  ] as const) {
    // Before the usual filter chains (priority filter - 10), so an accept there cannot undo the block.
    lines.push(`  chain ${chain} {`, `    type filter hook ${hook} priority filter - 10; policy accept;`);
    for (const set of sets) lines.push(`    ${set.match} counter drop`);
    lines.push('  }');
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

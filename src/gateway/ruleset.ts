/**
 * The gateway's nftables ruleset, as one script for `nft -f` (pure: text in, text out). One
 * table of its own (inet opennotice_gw), created and deleted first so loading replaces the
 * previous version in one transaction and touches no other table:
 *
 * - C&C: sets of approved indicators (with per-element counters; a port limited to tcp or udp
 *   when the indicator says so) matched on forward and output;
 *   a match is logged (prefix "opennotice-gw cnc ", rate-limited) and dropped, quarantined or not.
 * - Quarantine: devices with open findings. Their DNS (53) and the vendor update path pass;
 *   their plain HTTP (80) is DNAT'ed to the walled garden on the gateway; HTTPS (443) is
 *   answered with a TCP reset (a redirect would only show a certificate error, and the
 *   browser then tries http, which the walled garden answers); everything else is dropped,
 *   counted per device.
 */
import type { BlockIndicator } from '../blocklist/indicator.ts';
import { indicatorFamily, indicatorPrefix } from '../blocklist/indicator-list.ts';
import { OpenNoticeError } from '../core/errors.ts';
import { AddressSpace } from '../scope/address-space.ts';
import { addressFamily } from '../scope/target-address.ts';
import type { UpdateAddress } from './policy.ts';

export const gatewayTable = 'opennotice_gw';
export const cncLogPrefix = 'opennotice-gw cnc ';
export const quarantineLogPrefix = 'opennotice-gw quarantine ';
/** Comment of a device's counting rule: the counter reader finds devices by it. */
export const quarantineComment = (ip: string) => `quarantine ${ip}`;

export interface GatewayRulesetRequest {
  /** The LAN interface: quarantine applies to traffic entering from it. */
  lanInterface: string;
  indicators: readonly BlockIndicator[];
  /** Addresses of quarantined devices (canonical). */
  quarantine: readonly string[];
  /** The update path by address (names already resolved). */
  updatePath: readonly UpdateAddress[];
  /** Where quarantined devices' port 80 goes: the walled garden's address on the gateway and its port. */
  walledGarden: { ip: string; port: number };
  /** Named in the header comment, so `nft list table` says which policy is loaded. */
  policyVersion: string;
}

type Family = 'ipv4' | 'ipv6';
const families: readonly Family[] = ['ipv4', 'ipv6'];
const shortFamily = { ipv4: 'v4', ipv6: 'v6' } as const;
const addressType = { ipv4: 'ipv4_addr', ipv6: 'ipv6_addr' } as const;
const daddr = { ipv4: 'ip daddr', ipv6: 'ip6 daddr' } as const;
const saddr = { ipv4: 'ip saddr', ipv6: 'ip6 saddr' } as const;

/**
 * Prefixes with those covered by a wider one of the list left out: nft refuses overlapping
 * intervals in a set, and traffic to a covered prefix is dropped (and counted) by the wider one.
 */
function withoutCovered(prefixes: readonly string[]): string[] {
  const byWidth = [...new Set(prefixes)].sort((a, b) => Number(a.split('/')[1]) - Number(b.split('/')[1]));
  const kept: string[] = [];
  for (const prefix of byWidth) {
    const network = prefix.split('/')[0]!;
    if (kept.length > 0 && AddressSpace.fromCidrs(kept).has(network)) continue;
    kept.push(prefix);
  }
  return kept.sort();
}

function setLines(name: string, type: string, flags: string[], elements: readonly string[]): string[] {
  const lines = [`  set ${name} {`, `    type ${type}`];
  if (flags.length > 0) lines.push(`    flags ${flags.join(', ')}`);
  if (name.startsWith('cnc_')) lines.push('    counter');
  if (elements.length > 0) lines.push(`    elements = {\n      ${elements.join(',\n      ')}\n    }`);
  lines.push('  }');
  return lines;
}

function checkRequest(request: GatewayRulesetRequest): void {
  // IFNAMSIZ is 16 with the NUL; the name is quoted into the script, so only safe characters.
  if (!/^[A-Za-z0-9._-]{1,15}$/.test(request.lanInterface))
    throw new OpenNoticeError('USAGE', `--lan-interface: "${request.lanInterface}" is not an interface name`);
  if (!/^[0-9a-f]{64}$|^none$/.test(request.policyVersion)) throw new OpenNoticeError('INTERNAL', 'the policy version is not a hex digest');
  const family = addressFamily(request.walledGarden.ip);
  if (family === undefined || !Number.isInteger(request.walledGarden.port) || request.walledGarden.port < 1 || request.walledGarden.port > 65535)
    throw new OpenNoticeError('USAGE', `the walled garden's address ${request.walledGarden.ip}:${request.walledGarden.port} is not an address and port`);
  for (const ip of request.quarantine)
    if (addressFamily(ip) === undefined) throw new OpenNoticeError('CONFIG_INVALID', `quarantine: "${ip}" is not an address`, { ip });
}

/**
 * @example buildGatewayRuleset({ lanInterface: 'lan0', indicators, quarantine: ['192.0.2.7'], updatePath: [], walledGarden: { ip: '192.0.2.1', port: 8080 }, policyVersion })
 */
export function buildGatewayRuleset(request: GatewayRulesetRequest): string {
  checkRequest(request);
  const lan = `iifname "${request.lanInterface}"`;
  const gardenFamily: Family = addressFamily(request.walledGarden.ip) === 6 ? 'ipv6' : 'ipv4';
  const addresses = request.indicators.filter((indicator) => indicator.kind !== 'domain');
  const lines = [
    `# opennotice secure gateway, policy ${request.policyVersion}: ${addresses.length} C&C address indicators, ${request.quarantine.length} quarantined devices`,
    `table inet ${gatewayTable}`,
    `delete table inet ${gatewayTable}`,
    `table inet ${gatewayTable} {`,
  ];
  const cncMatches: string[] = [];
  for (const family of families) {
    const short = shortFamily[family];
    const ofFamily = addresses.filter((indicator) => indicatorFamily(indicator) === family);
    lines.push(
      ...setLines(`cnc_${short}`, addressType[family], ['interval'], withoutCovered(ofFamily.filter((i) => i.port === undefined).map(indicatorPrefix))),
    );
    // A port without a protocol blocks TCP and UDP alike; with one (tcp|udp), only that protocol's traffic to the port.
    const portElements = (protocol: string | undefined) => {
      const limited = ofFamily.filter((indicator) => indicator.port !== undefined && indicator.protocol === protocol);
      const ports = [...new Set(limited.map((indicator) => indicator.port!))].sort((a, b) => a - b);
      const middle = protocol === undefined ? '' : `${protocol} . `;
      return ports.flatMap((port) =>
        withoutCovered(limited.filter((indicator) => indicator.port === port).map(indicatorPrefix)).map((prefix) => `${prefix} . ${middle}${port}`),
      );
    };
    lines.push(...setLines(`cnc_${short}_port`, `${addressType[family]} . inet_service`, ['interval'], portElements(undefined)));
    lines.push(
      ...setLines(
        `cnc_${short}_proto_port`,
        `${addressType[family]} . inet_proto . inet_service`,
        ['interval'],
        [...portElements('tcp'), ...portElements('udp')],
      ),
    );
    cncMatches.push(
      `${daddr[family]} @cnc_${short}`,
      `${daddr[family]} . th dport @cnc_${short}_port`,
      `${daddr[family]} . meta l4proto . th dport @cnc_${short}_proto_port`,
    );
    const quarantined = request.quarantine.filter((ip) => (addressFamily(ip) === 6 ? 'ipv6' : 'ipv4') === family);
    lines.push(...setLines(`quarantine_${short}`, addressType[family], [], quarantined));
    const update = request.updatePath.filter((endpoint) => (endpoint.cidr.includes(':') ? 'ipv6' : 'ipv4') === family);
    lines.push(
      ...setLines(`update_${short}`, addressType[family], ['interval'], withoutCovered(update.filter((e) => e.port === undefined).map((e) => e.cidr))),
    );
    const updatePorts = [...new Set(update.flatMap((endpoint) => (endpoint.port === undefined ? [] : [endpoint.port])))].sort((a, b) => a - b);
    const updatePortElements = updatePorts.flatMap((port) =>
      withoutCovered(update.filter((endpoint) => endpoint.port === port).map((endpoint) => endpoint.cidr)).map((prefix) => `${prefix} . ${port}`),
    );
    lines.push(...setLines(`update_${short}_port`, `${addressType[family]} . inet_service`, ['interval'], updatePortElements));
  }
  // One set lookup per packet (a jump), so each element's counter counts a packet once.
  const cncDrops = cncMatches.map((match) => `    ${match} jump cnc_drop`);
  // Before the usual filter chains (priority filter - 10), so an accept there cannot undo a drop.
  lines.push('  chain forward {', '    type filter hook forward priority filter - 10; policy accept;', ...cncDrops);
  for (const family of families) lines.push(`    ${lan} ${saddr[family]} @quarantine_${shortFamily[family]} jump quarantine`);
  lines.push('  }', '  chain output {', '    type filter hook output priority filter - 10; policy accept;', ...cncDrops, '  }');
  // Logging is rate-limited (a bot retries many times a second); the drop after it is not.
  lines.push('  chain cnc_drop {', `    limit rate 60/minute burst 20 packets log prefix "${cncLogPrefix}" level warn`, '    drop', '  }');
  lines.push('  chain quarantine {', '    udp dport 53 accept', '    tcp dport 53 accept');
  for (const family of families) {
    const short = shortFamily[family];
    lines.push(`    ${daddr[family]} @update_${short} accept`, `    ${daddr[family]} . th dport @update_${short}_port accept`);
  }
  for (const ip of request.quarantine) lines.push(`    ${saddr[addressFamily(ip) === 6 ? 'ipv6' : 'ipv4']} ${ip} counter comment "${quarantineComment(ip)}"`);
  lines.push(
    '    tcp dport 443 reject with tcp reset',
    `    limit rate 60/minute burst 20 packets log prefix "${quarantineLogPrefix}" level info`,
    '    drop',
    '  }',
  );
  // Port 80 of quarantined devices to the walled garden; the update path keeps its own port 80.
  const gardenTarget =
    gardenFamily === 'ipv6' ? `[${request.walledGarden.ip}]:${request.walledGarden.port}` : `${request.walledGarden.ip}:${request.walledGarden.port}`;
  const short = shortFamily[gardenFamily];
  lines.push(
    '  chain prerouting {',
    '    type nat hook prerouting priority dstnat; policy accept;',
    `    ${daddr[gardenFamily]} @update_${short} accept`,
    `    ${daddr[gardenFamily]} . th dport @update_${short}_port accept`,
    `    ${lan} ${saddr[gardenFamily]} @quarantine_${short} tcp dport 80 dnat ${gardenFamily === 'ipv6' ? 'ip6' : 'ip'} to ${gardenTarget}`,
    '  }',
    '}',
  );
  return `${lines.join('\n')}\n`;
}

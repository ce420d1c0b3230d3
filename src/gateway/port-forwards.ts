/**
 * Port forwards of the router the gateway runs on, read from what the router itself holds
 * (pure: text in, forwards out). Behind NAT a survey reaches a device through a port forward
 * of the router's public (WAN) address — often one that UPnP opened for the device — so the
 * finding is at the WAN address and its port; the forward says which device answered there.
 *
 * Three sources, each as its tool prints it:
 * - nftables' native `dnat` rules (`nft -j list ruleset`), e.g. OpenWrt's fw4 redirects;
 * - iptables' DNAT targets (`iptables-save -t nat`, `ip6tables-save -t nat`), e.g. miniupnpd's
 *   MINIUPNPD chain on Debian; nft shows these only as opaque `xt` targets;
 * - forwards an operator names (`gateway --port-forward tcp/8080=192.168.1.10:80`).
 */
import { OpenNoticeError } from '../core/errors.ts';
import { canonicalAddress } from '../scope/canonical-address.ts';

export type ForwardTransport = 'tcp' | 'udp';

/** One port forward: public ports of the router (on one WAN address, or any) to a device. */
export interface PortForward {
  transport: ForwardTransport;
  /** The public ports, inclusive. */
  firstPort: number;
  lastPort: number;
  /** The WAN address the rule is limited to (canonical); absent: any address of the router. */
  publicAddress?: string;
  /** The device (canonical address). */
  lanAddress: string;
  /** The device's port; absent: the same port as the public one. */
  lanPort?: number;
  /** Where the forward was read, for the logs: "nft ip home_nat prerouting #3", "iptables nat MINIUPNPD", "--port-forward". */
  origin: string;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isPort = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;

/** The port ranges of a match's right side: 80, {range: [a, b]}, {set: [80, {range: …}]}. */
function portRanges(right: unknown): Array<[number, number]> {
  if (isPort(right)) return [[right, right]];
  if (isObject(right) && Array.isArray(right.range) && isPort(right.range[0]) && isPort(right.range[1])) return [[right.range[0], right.range[1]]];
  if (isObject(right) && Array.isArray(right.set)) return right.set.flatMap(portRanges);
  return [];
}

interface RuleMatches {
  transports: ForwardTransport[];
  ports: Array<[number, number]>;
  publicAddress?: string;
}

/** What a rule's matches say about the traffic a dnat statement forwards; undefined when it cannot be read. */
function ruleMatches(expressions: readonly unknown[]): RuleMatches | undefined {
  let transports: ForwardTransport[] | undefined;
  let l4proto: ForwardTransport[] | undefined;
  let ports: Array<[number, number]> | undefined;
  let publicAddress: string | undefined;
  for (const expression of expressions) {
    if (!isObject(expression) || !isObject(expression.match) || expression.match.op !== '==') continue;
    const { left, right } = expression.match;
    if (!isObject(left)) continue;
    if (isObject(left.payload)) {
      const { protocol, field } = left.payload;
      if (field === 'dport' && (protocol === 'tcp' || protocol === 'udp' || protocol === 'th')) {
        ports = portRanges(right);
        transports = protocol === 'th' ? undefined : [protocol];
      }
      if (field === 'daddr' && (protocol === 'ip' || protocol === 'ip6') && typeof right === 'string') publicAddress = canonicalAddress(right);
    }
    if (isObject(left.meta) && left.meta.key === 'l4proto') {
      const names = (isObject(right) && Array.isArray(right.set) ? right.set : [right]).filter(
        (name): name is ForwardTransport => name === 'tcp' || name === 'udp',
      );
      l4proto = names;
    }
  }
  if (ports === undefined || ports.length === 0) return undefined;
  const readTransports = transports ?? l4proto ?? ['tcp', 'udp'];
  return { transports: readTransports, ports, ...(publicAddress === undefined ? {} : { publicAddress }) };
}

/**
 * The port forwards among the native dnat rules of a ruleset. Rules whose target is not a
 * single address (maps, ranges) or whose ports are not plain numbers, ranges or sets are left
 * out, as are iptables' rules (`xt` targets: read them with parseIptablesForwards).
 * @example parseNftForwards(execSync('nft -j list ruleset').toString())
 */
export function parseNftForwards(json: string): PortForward[] {
  let document: unknown;
  try {
    document = JSON.parse(json);
  } catch (error) {
    throw new OpenNoticeError('GATEWAY_FAILED', `nft -j list ruleset printed no JSON: ${(error as Error).message}`);
  }
  const items = isObject(document) && Array.isArray(document.nftables) ? document.nftables : [];
  const forwards: PortForward[] = [];
  for (const item of items) {
    if (!isObject(item) || !isObject(item.rule) || !Array.isArray(item.rule.expr)) continue;
    const rule = item.rule;
    const expressions = rule.expr as unknown[];
    const dnat = expressions.find((expression): expression is { dnat: Record<string, unknown> } => isObject(expression) && isObject(expression.dnat));
    if (!dnat || typeof dnat.dnat.addr !== 'string') continue;
    const lanAddress = canonicalAddress(dnat.dnat.addr);
    const matches = ruleMatches(expressions);
    if (lanAddress === undefined || matches === undefined) continue;
    const lanPort = isPort(dnat.dnat.port) ? dnat.dnat.port : undefined;
    const origin = `nft ${String(rule.family)} ${String(rule.table)} ${String(rule.chain)} #${String(rule.handle)}`;
    for (const transport of matches.transports)
      for (const [firstPort, lastPort] of matches.ports)
        forwards.push({
          transport,
          firstPort,
          lastPort,
          lanAddress,
          origin,
          ...(matches.publicAddress === undefined ? {} : { publicAddress: matches.publicAddress }),
          ...(lanPort === undefined ? {} : { lanPort }),
        });
  }
  return forwards;
}

/** An address with an optional port: 192.0.2.7, 192.0.2.7:80, [2001:db8::7]:80, 2001:db8::7. */
function addressAndPort(text: string): { address: string; port?: number } | undefined {
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(text);
  const ipv4 = /^([\d.]+)(?::(\d{1,5}))?$/.exec(text);
  const parts = bracketed ?? ipv4;
  const address = canonicalAddress(parts ? parts[1]! : text);
  if (address === undefined) return undefined;
  const port = parts?.[2] === undefined ? undefined : Number(parts[2]);
  if (port !== undefined && !isPort(port)) return undefined;
  return port === undefined ? { address } : { address, port };
}

/** "80", "7000:7010" (iptables) or "7000-7010" (the option) as a range. */
function portRange(text: string): [number, number] | undefined {
  const [first, last = first] = text.split(/[:-]/).map(Number);
  return isPort(first) && isPort(last) && first <= last ? [first, last] : undefined;
}

/**
 * The DNAT rules of `iptables-save -t nat` (or ip6tables-save) that name a protocol, ports and a
 * single destination. Lines it cannot read are left out.
 * @example parseIptablesForwards(execSync('iptables-save -t nat').toString(), 'iptables')
 */
export function parseIptablesForwards(text: string, tool: string): PortForward[] {
  const forwards: PortForward[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('-A ') || !/ -j DNAT\b/.test(line)) continue;
    const words = line.trim().split(/\s+/);
    const after = (flag: string) => {
      const at = words.indexOf(flag);
      return at >= 0 ? words[at + 1] : undefined;
    };
    const protocol = after('-p');
    const destination = after('--to-destination');
    const portsText = after('--dport') ?? after('--destination-port') ?? after('--dports');
    if ((protocol !== 'tcp' && protocol !== 'udp') || destination === undefined || portsText === undefined) continue;
    const target = addressAndPort(destination);
    const publicText = after('-d')?.replace(/\/(32|128)$/, '');
    const publicAddress = publicText === undefined ? undefined : canonicalAddress(publicText);
    if (target === undefined || (publicText !== undefined && publicAddress === undefined)) continue;
    for (const range of portsText.split(',').map(portRange)) {
      if (range === undefined) continue;
      forwards.push({
        transport: protocol,
        firstPort: range[0],
        lastPort: range[1],
        lanAddress: target.address,
        origin: `${tool} nat ${words[1]}`,
        ...(publicAddress === undefined ? {} : { publicAddress }),
        ...(target.port === undefined ? {} : { lanPort: target.port }),
      });
    }
  }
  return forwards;
}

/**
 * A forward an operator names: `[tcp|udp/]PORT[-PORT]=ADDRESS[:PORT]` (TCP when not said).
 * @example parsePortForwardOption('tcp/8080=192.168.1.10:80') // { transport: 'tcp', firstPort: 8080, lastPort: 8080, lanAddress: '192.168.1.10', lanPort: 80, origin: '--port-forward' }
 */
export function parsePortForwardOption(text: string): PortForward {
  const usage = () =>
    new OpenNoticeError('USAGE', `--port-forward ${text}: expected [tcp|udp/]PORT[-PORT]=ADDRESS[:PORT], e.g. tcp/8080=192.168.1.10:80`, { value: text });
  const match = /^(?:(tcp|udp)\/)?(\d{1,5}(?:-\d{1,5})?)=(.+)$/.exec(text.trim());
  if (!match) throw usage();
  const range = portRange(match[2]!);
  const target = addressAndPort(match[3]!);
  if (range === undefined || target === undefined) throw usage();
  return {
    transport: match[1] === 'udp' ? 'udp' : 'tcp',
    firstPort: range[0],
    lastPort: range[1],
    lanAddress: target.address,
    origin: '--port-forward',
    ...(target.port === undefined ? {} : { lanPort: target.port }),
  };
}

/**
 * The forward that leads a public port of this WAN address to a device: the first that matches
 * (operator-named forwards are listed first, so they win over what the router's rules say).
 * @example forwardFor(forwards, '203.0.113.9', 'tcp', 554)?.lanAddress // '192.168.1.10'
 */
export function forwardFor(forwards: readonly PortForward[], wanAddress: string, transport: ForwardTransport, port: number): PortForward | undefined {
  return forwards.find(
    (forward) =>
      forward.transport === transport &&
      forward.firstPort <= port &&
      port <= forward.lastPort &&
      (forward.publicAddress === undefined || forward.publicAddress === wanAddress),
  );
}

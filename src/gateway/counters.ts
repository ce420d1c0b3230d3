/**
 * What the gateway's rules counted, read from `nft -j list table inet opennotice_gw`: packets
 * and bytes per C&C set element (the sets carry per-element counters) and packets per
 * quarantined device (its counting rule, found by comment). Pure: JSON text in, counts out.
 * Elements and rules that counted nothing are left out, so a report stays small.
 */
import { OpenNoticeError } from '../core/errors.ts';
import type { GatewayBlockedCount } from '../store/roles/gateway-reports.ts';
import { quarantineComment } from './ruleset.ts';

export interface RuleCounts {
  blocked: GatewayBlockedCount[];
  /** Packets dropped or rejected per quarantined device address. */
  quarantineDrops: Map<string, number>;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** "198.51.100.7" → "198.51.100.7/32", { prefix: { addr, len } } → "addr/len": the names the rules were written with. */
function prefixText(value: unknown): string | undefined {
  if (typeof value === 'string') return `${value}/${value.includes(':') ? 128 : 32}`;
  if (isObject(value) && isObject(value.prefix) && typeof value.prefix.addr === 'string' && typeof value.prefix.len === 'number')
    return `${value.prefix.addr}/${value.prefix.len}`;
  return undefined;
}

/** A set element's key as the report names it: "203.0.113.0/24", "203.0.113.5/32 port 8080" or "203.0.113.5/32 udp port 6881". */
function elementName(value: unknown): string | undefined {
  if (isObject(value) && Array.isArray(value.concat)) {
    // address . port, or address . protocol . port (an indicator limited to tcp or udp).
    const [address, middle, last] = value.concat;
    const prefix = prefixText(address);
    if (prefix !== undefined && typeof middle === 'number' && last === undefined) return `${prefix} port ${middle}`;
    if (prefix !== undefined && (middle === 'tcp' || middle === 'udp') && typeof last === 'number') return `${prefix} ${middle} port ${last}`;
    return undefined;
  }
  return prefixText(value);
}

function counterOf(value: unknown): { packets: number; bytes: number } | undefined {
  if (!isObject(value) || !isObject(value.counter)) return undefined;
  const { packets, bytes } = value.counter;
  return typeof packets === 'number' && typeof bytes === 'number' ? { packets, bytes } : undefined;
}

function setCounts(set: Record<string, unknown>): GatewayBlockedCount[] {
  if (typeof set.name !== 'string' || !set.name.startsWith('cnc_') || !Array.isArray(set.elem)) return [];
  return set.elem.flatMap((entry): GatewayBlockedCount[] => {
    // Elements with a counter come wrapped: { elem: { val, counter } }.
    const element = isObject(entry) && isObject(entry.elem) ? entry.elem : undefined;
    const name = element ? elementName(element.val) : undefined;
    const counter = element ? counterOf(element) : undefined;
    return name !== undefined && counter !== undefined && counter.packets > 0 ? [{ indicator: name, ...counter }] : [];
  });
}

function deviceDrops(rule: Record<string, unknown>): [string, number] | undefined {
  if (rule.chain !== 'quarantine' || typeof rule.comment !== 'string' || !Array.isArray(rule.expr)) return undefined;
  const ip = rule.comment.startsWith('quarantine ') ? rule.comment.slice('quarantine '.length) : undefined;
  if (ip === undefined || quarantineComment(ip) !== rule.comment) return undefined;
  const counter = rule.expr.map(counterOf).find((found) => found !== undefined);
  return counter ? [ip, counter.packets] : undefined;
}

/**
 * @example parseRuleCounts(await listTableJson()).blocked // [{ indicator: '198.51.100.66/32 port 4444', packets: 3, bytes: 180 }]
 */
export function parseRuleCounts(jsonText: string): RuleCounts {
  let parsed: unknown;
  try {
    parsed = JSON.parse(jsonText);
  } catch (error) {
    throw new OpenNoticeError('GATEWAY_FAILED', `nft -j printed no JSON: ${(error as Error).message}`, {}, { cause: error });
  }
  if (!isObject(parsed) || !Array.isArray(parsed.nftables)) throw new OpenNoticeError('GATEWAY_FAILED', 'nft -j printed no "nftables" list');
  const blocked: GatewayBlockedCount[] = [];
  const quarantineDrops = new Map<string, number>();
  for (const item of parsed.nftables) {
    if (!isObject(item)) continue;
    if (isObject(item.set)) blocked.push(...setCounts(item.set));
    if (isObject(item.rule)) {
      const drops = deviceDrops(item.rule);
      if (drops) quarantineDrops.set(...drops);
    }
  }
  return { blocked, quarantineDrops };
}

/**
 * DRDoS attack figures from attack records (read now, or stored): attacks per day and per
 * protocol, the victims (darknet addresses and their /24s: carpet bombing shows as many victims
 * in few networks) and the largest attacks. Only attacks that pass the thresholds count.
 */
import type { DarknetAttack } from '../../core/records.ts';

export interface DrdosDay {
  /** UTC day an attack started, YYYY-MM-DD. */
  day: string;
  attacks: number;
  victims: number;
  victimNetworks: number;
  packets: number;
  bytes: number;
  /** Attacks per protocol that day. */
  byProtocol: Record<string, number>;
}

export interface DrdosStatistics {
  attacks: number;
  /** Distinct darknet addresses attacked, and their distinct /24 networks. */
  victims: number;
  victimNetworks: number;
  /**
   * Attacks on one /24 by one protocol that overlap in time (within 5 minutes), counted once:
   * carpet bombing of a prefix is one of these, with many victims. `carpetBombings`: those with two or more victims.
   */
  prefixAttacks: number;
  carpetBombings: number;
  packets: number;
  bytes: number;
  perDay: { max: number; average: number };
  days: DrdosDay[];
  /** By attacks, most first. */
  protocols: Array<{ protocol: string; port: number; attacks: number; packets: number; bytes: number; maxReflectors: number }>;
  /** The 10 attacks with the most packets. */
  largest: Array<Pick<DarknetAttack, 'victim' | 'protocol' | 'start' | 'end' | 'packets' | 'bytes' | 'reflectors'>>;
}

const networkOf = (ip: string): string => `${ip.split('.').slice(0, 3).join('.')}.0/24`;

/** The tracker's default idle time: attacks on one prefix closer than this are one campaign. */
const prefixGapMillis = 300_000;

/** Attacks grouped by /24 and protocol where they overlap or follow within the gap: [groups, groups with ≥ 2 victims]. */
function prefixGroups(attacks: readonly DarknetAttack[]): [number, number] {
  const sorted = [...attacks].sort(
    (a, b) => networkOf(a.victim).localeCompare(networkOf(b.victim)) || a.protocol.localeCompare(b.protocol) || a.start.localeCompare(b.start),
  );
  let groups = 0;
  let carpets = 0;
  let key = '';
  let end = -Infinity;
  let victims = new Set<string>();
  const close = () => {
    if (victims.size >= 2) carpets++;
  };
  for (const attack of sorted) {
    const attackKey = `${networkOf(attack.victim)} ${attack.protocol}`;
    const start = Date.parse(attack.start);
    if (attackKey !== key || start > end + prefixGapMillis) {
      close();
      groups++;
      key = attackKey;
      end = -Infinity;
      victims = new Set();
    }
    end = Math.max(end, Date.parse(attack.end));
    victims.add(attack.victim);
  }
  close();
  return [groups, carpets];
}

/**
 * @example summarizeAttacks(await store.listDarknetAttacks({ darknet, qualified: true })).perDay.max
 */
export function summarizeAttacks(attacks: readonly DarknetAttack[]): DrdosStatistics {
  const counted = attacks.filter((attack) => attack.qualified);
  const days = new Map<string, { row: DrdosDay; victims: Set<string>; networks: Set<string> }>();
  const protocols = new Map<string, DrdosStatistics['protocols'][number]>();
  const victims = new Set<string>();
  const networks = new Set<string>();
  for (const attack of counted) {
    const day = attack.start.slice(0, 10);
    let entry = days.get(day);
    if (entry === undefined) {
      entry = { row: { day, attacks: 0, victims: 0, victimNetworks: 0, packets: 0, bytes: 0, byProtocol: {} }, victims: new Set(), networks: new Set() };
      days.set(day, entry);
    }
    entry.row.attacks++;
    entry.row.packets += attack.packets;
    entry.row.bytes += attack.bytes;
    entry.row.byProtocol[attack.protocol] = (entry.row.byProtocol[attack.protocol] ?? 0) + 1;
    entry.victims.add(attack.victim);
    entry.networks.add(networkOf(attack.victim));
    victims.add(attack.victim);
    networks.add(networkOf(attack.victim));
    const protocol = protocols.get(attack.protocol) ?? { protocol: attack.protocol, port: attack.port, attacks: 0, packets: 0, bytes: 0, maxReflectors: 0 };
    protocol.attacks++;
    protocol.packets += attack.packets;
    protocol.bytes += attack.bytes;
    protocol.maxReflectors = Math.max(protocol.maxReflectors, attack.reflectors);
    protocols.set(attack.protocol, protocol);
  }
  const dayRows = [...days.values()]
    .map(({ row, victims: dayVictims, networks: dayNetworks }) => ({ ...row, victims: dayVictims.size, victimNetworks: dayNetworks.size }))
    .sort((a, b) => (a.day < b.day ? -1 : 1));
  const perDay = dayRows.map((row) => row.attacks);
  const [prefixAttacks, carpetBombings] = prefixGroups(counted);
  return {
    attacks: counted.length,
    victims: victims.size,
    victimNetworks: networks.size,
    prefixAttacks,
    carpetBombings,
    packets: counted.reduce((sum, attack) => sum + attack.packets, 0),
    bytes: counted.reduce((sum, attack) => sum + attack.bytes, 0),
    perDay: { max: perDay.length ? Math.max(...perDay) : 0, average: perDay.length ? perDay.reduce((a, b) => a + b, 0) / perDay.length : 0 },
    days: dayRows,
    protocols: [...protocols.values()].sort((a, b) => b.attacks - a.attacks || a.protocol.localeCompare(b.protocol)),
    largest: [...counted]
      .sort((a, b) => b.packets - a.packets || a.start.localeCompare(b.start))
      .slice(0, 10)
      .map(({ victim, protocol, start, end, packets, bytes, reflectors }) => ({ victim, protocol, start, end, packets, bytes, reflectors })),
  };
}

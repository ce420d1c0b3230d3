/**
 * The addresses the programme already knows to be bots, for the C&C analysis: infected
 * findings (a honeypot import's among them) and sources a darknet judged scanners.
 */

export type KnownBotSource = 'infected' | 'honeypot' | 'darknet-scanner';

export interface KnownBotAddress {
  /** Canonical address. */
  ip: string;
  /** Every kind of sighting that makes it a bot, sorted. */
  sources: KnownBotSource[];
  /** The latest sighting (ISO-8601). */
  lastSeen: string;
}

/**
 * @example const bots = new Set((await store.listKnownBotAddresses('2026-11-01T00:00:00Z')).map((bot) => bot.ip))
 */
export interface KnownBotStore {
  /** Addresses seen as bots at or after `since` (ISO-8601), by address. Research scanners are not bots. */
  listKnownBotAddresses(since: string): Promise<KnownBotAddress[]>;
}

/**
 * Merge sightings of the same address (both stores read the two tables apart, then merge here).
 * @example mergeKnownBots([{ ip: '192.0.2.7', source: 'infected', lastSeen: 'T1' }, { ip: '192.0.2.7', source: 'darknet-scanner', lastSeen: 'T2' }])
 */
export function mergeKnownBots(sightings: Iterable<{ ip: string; source: KnownBotSource; lastSeen: string }>): KnownBotAddress[] {
  const byAddress = new Map<string, KnownBotAddress>();
  for (const sighting of sightings) {
    const known = byAddress.get(sighting.ip);
    if (!known) byAddress.set(sighting.ip, { ip: sighting.ip, sources: [sighting.source], lastSeen: sighting.lastSeen });
    else {
      if (!known.sources.includes(sighting.source)) known.sources = [...known.sources, sighting.source].sort();
      if (sighting.lastSeen > known.lastSeen) known.lastSeen = sighting.lastSeen;
    }
  }
  return [...byAddress.values()].sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0));
}

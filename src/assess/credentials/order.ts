import type { DictionaryEntry } from './dictionary.ts';

/** What is known about the service whose login is about to be tried. */
export interface OrderingHint {
  /** Vendor identified for the device, if any (compared case-insensitively). */
  vendor?: string;
  /** Protocol of the login (telnet, http, ssh, ftp). */
  protocol: string;
  /** The plain protocol when this one is its TLS form (https → http): entries restricted to it apply too. */
  plainProtocol?: string;
}

/**
 * The entries worth trying on one service, most likely first: entries restricted to
 * the protocol (an entry with no protocols applies to any), by rank — botnet frequency —
 * and within a rank in the dictionary's order; the identified vendor's own entries go
 * ahead of all others (in the same order among themselves). Nothing is dropped: an
 * unidentified device is offered every entry for its protocol, and only the plan's caps
 * bound how many are tried.
 * @example orderEntries(loadDictionary(), { vendor: 'Xiongmai', protocol: 'telnet' })[0].id // "on-015"
 */
export function orderEntries(entries: readonly DictionaryEntry[], hint: OrderingHint): DictionaryEntry[] {
  const protocols = new Set([hint.protocol, ...(hint.plainProtocol ? [hint.plainProtocol] : [])].map((name) => name.toLowerCase()));
  const vendor = hint.vendor?.trim().toLowerCase();
  const usable = entries.filter((entry) => entry.protocols.length === 0 || entry.protocols.some((name) => protocols.has(name.toLowerCase())));
  // Array.prototype.sort is stable: equal ranks keep the file's order.
  const byRank = usable.sort((a, b) => a.rank - b.rank);
  if (!vendor) return byRank;
  const isVendorEntry = (entry: DictionaryEntry) => entry.vendors.some((name) => name.toLowerCase() === vendor);
  return [...byRank.filter(isVendorEntry), ...byRank.filter((entry) => !isVendorEntry(entry))];
}

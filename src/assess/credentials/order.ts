import type { DictionaryEntry } from './dictionary.ts';

/** What is known about the service whose login is about to be tried. */
export interface OrderingHint {
  /** Vendor identified for the device, if any (compared case-insensitively). */
  vendor?: string;
  /** Protocol of the login (telnet, http, ssh, ftp). */
  protocol: string;
}

/**
 * The entries worth trying on one service, most likely first: entries restricted to
 * the protocol (an entry with no protocols applies to any), then those tagged with the
 * identified vendor ahead of the rest. Otherwise the dictionary's own order is kept,
 * because the dictionary is ordered by how often each pair opens devices.
 * @example orderEntries(loadDictionary(), { vendor: 'Xiongmai', protocol: 'telnet' })[0].id // "on-015"
 */
export function orderEntries(entries: readonly DictionaryEntry[], hint: OrderingHint): DictionaryEntry[] {
  const protocol = hint.protocol.toLowerCase();
  const vendor = hint.vendor?.trim().toLowerCase();
  const usable = entries.filter((entry) => entry.protocols.length === 0 || entry.protocols.some((name) => name.toLowerCase() === protocol));
  if (!vendor) return usable;
  const isVendorEntry = (entry: DictionaryEntry) => entry.vendors.some((name) => name.toLowerCase() === vendor);
  return [...usable.filter(isVendorEntry), ...usable.filter((entry) => !isVendorEntry(entry))];
}

/**
 * What "check my connection" may say about the visitor's own address beyond findings: whether
 * it was seen scanning the darknet or attacking the honeypots lately. Only the last time of
 * each — no ports, packet counts, darknet or honeypot names.
 */

/** The latest sightings at one address since a time; a field is absent when there was none. */
export interface AddressActivity {
  /** Last time a darknet judged the address a scanner (research scanners are not counted). */
  darknetScanningLastSeen?: string;
  /** Last time a honeypot saw the address behave like a bot (an `infected` finding from the honeypot import). */
  honeypotAttackLastSeen?: string;
}

/**
 * @example const activity = await store.addressActivitySince(request.remoteAddress, sevenDaysAgo)
 */
export interface AddressActivityStore {
  /** Sightings at exactly this address whose last packet or event is at or after `since` (ISO-8601). */
  addressActivitySince(ip: string, since: string): Promise<AddressActivity>;
}

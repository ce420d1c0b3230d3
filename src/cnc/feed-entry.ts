/**
 * One entry of a known-bad list imported from a public feed (Feodo Tracker, URLhaus), and the
 * index the detector asks "which feeds list this endpoint?".
 */

export type CncFeedName = 'feodo' | 'urlhaus';

export interface CncFeedEntry {
  feed: CncFeedName;
  kind: 'ip' | 'domain';
  /** Canonical address or lower-case domain. */
  value: string;
  /** The port the feed names, if any (Feodo always does; URLhaus when the URL has one). */
  port?: number;
  /** Malware family or threat label, as the feed gives it. */
  label?: string;
  /** When the feed first listed it (ISO-8601), if it says. */
  firstSeen?: string;
}

/** Which feeds list an endpoint. */
export interface FeedIndex {
  /** Feed names listing the endpoint on this port or without a port (any port when none is given: a domain's queries name none), sorted. */
  feedsListing(endpoint: string, port?: number): string[];
}

/**
 * @example createFeedIndex([{ feed: 'feodo', kind: 'ip', value: '192.0.2.9', port: 443 }]).feedsListing('192.0.2.9', 443) // ['feodo']
 */
export function createFeedIndex(entries: Iterable<CncFeedEntry>): FeedIndex {
  const byEndpoint = new Map<string, Array<{ feed: string; port?: number }>>();
  for (const entry of entries) {
    const list = byEndpoint.get(entry.value) ?? [];
    list.push({ feed: entry.feed, port: entry.port });
    byEndpoint.set(entry.value, list);
  }
  return {
    feedsListing(endpoint, port) {
      const listed = (byEndpoint.get(endpoint) ?? []).filter((entry) => port === undefined || entry.port === undefined || entry.port === port);
      return [...new Set(listed.map((entry) => entry.feed))].sort();
    },
  };
}

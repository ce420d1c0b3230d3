/**
 * What the flow decoders count instead of throwing: an exporter on the network can send
 * anything, and one bad datagram must never stop the collector. Each reason is its own
 * counter so an operator can tell a truncating path from a confused exporter.
 */

export const malformedReasons = [
  /** Shorter than the version's fixed header. */
  'short-header',
  /** A version this collector does not decode (neither 5, 9 nor 10). */
  'unknown-version',
  /** The v5 header's record count does not fit the datagram. */
  'v5-count-mismatch',
  /** The IPFIX message length disagrees with the datagram. */
  'length-mismatch',
  /** A flowset/set header whose length is below 4 or runs past the datagram. */
  'bad-set-length',
  /** A template whose field list runs past its set, or declares no field. */
  'bad-template',
  /** A data set for a template this exporter has not sent (yet), or one that was withdrawn or expired. */
  'unknown-template',
  /** A data record whose fields (e.g. a variable-length one) run past its set. */
  'truncated-record',
  /** A record without the addresses a flow needs (no source or destination field). */
  'missing-fields',
  /** A template refused because the cache for that exporter (or in total) is full. */
  'template-cache-full',
] as const;

export type MalformedReason = (typeof malformedReasons)[number];

/** Counters one decoder (per collector or per test) owns. */
export interface DecodeCounters {
  /** Datagrams handed to the decoder. */
  datagrams: number;
  /** Flow records decoded. */
  records: number;
  /** Templates learnt (added or replaced). */
  templates: number;
  /** Options templates and their data, skipped on purpose (not malformed). */
  optionsSkipped: number;
  malformed: Record<MalformedReason, number>;
}

export function createDecodeCounters(): DecodeCounters {
  const malformed = Object.fromEntries(malformedReasons.map((reason) => [reason, 0])) as Record<MalformedReason, number>;
  return { datagrams: 0, records: 0, templates: 0, optionsSkipped: 0, malformed };
}

/** All malformed counts summed: what a summary line prints. */
export function totalMalformed(counters: DecodeCounters): number {
  return malformedReasons.reduce((sum, reason) => sum + counters.malformed[reason], 0);
}

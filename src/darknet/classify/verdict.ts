/**
 * Per-source verdicts from a window's counters. A scanner probing uniformly at r packets/s
 * puts r·T·N/2^32 packets into a darknet of N addresses over T seconds, so the thresholds
 * that separate a scanner from noise are derived from that expectation (docs/darknet.md).
 */
import type { ResearchScannerList } from './research-list.ts';
import type { SourceSummary } from './source-table.ts';

export type SourceVerdict = 'scanner' | 'backscatter' | 'research' | 'noise';

export interface Judgement {
  verdict: SourceVerdict;
  /** For scanners: 'mirai' when most probes carry Mirai's fingerprint, else 'other'. */
  family?: 'mirai' | 'other';
  /** A scanning tool fingerprint that dominates (outside the research list). */
  tool?: 'zmap' | 'masscan';
  reason: string;
}

export interface ThresholdOptions {
  /** Number of darknet addresses observed. */
  darknetSize: number;
  /** Seconds of observation the counters cover. */
  observedSeconds: number;
  /** Slowest whole-Internet probe rate still called a scanner (packets/s). Default 50. */
  minimumRate?: number;
  /** Share of the expected count a source must reach. Default 0.5. */
  fraction?: number;
  /** Lower bounds so tiny darknets or windows never call 1–2 packets a scan. Default 3. */
  floor?: number;
}

export interface ScannerThresholds {
  expectedPackets: number;
  minPackets: number;
  minDistinct: number;
}

/**
 * Thresholds for a darknet size and observation time.
 * @example scannerThresholds({ darknetSize: 65536, observedSeconds: 86400 }) // { expectedPackets: 65.9, minPackets: 33, minDistinct: 26 }
 */
export function scannerThresholds(options: ThresholdOptions): ScannerThresholds {
  const rate = options.minimumRate ?? 50;
  const fraction = options.fraction ?? 0.5;
  const floor = options.floor ?? 3;
  const expectedPackets = (rate * options.observedSeconds * options.darknetSize) / 2 ** 32;
  // Distinct targets of E uniform draws from N addresses: N·(1 − e^(−E/N)); allow the sketch's
  // error (3 standard errors of 6.5%) below that.
  const expectedDistinct = options.darknetSize * (1 - Math.exp(-expectedPackets / options.darknetSize));
  return {
    expectedPackets,
    minPackets: Math.max(floor, Math.ceil(fraction * expectedPackets)),
    minDistinct: Math.max(floor, Math.floor(fraction * expectedDistinct * (1 - 3 * 0.065))),
  };
}

/**
 * Judge one source.
 * @example judgeSource(summary, scannerThresholds({ darknetSize: 65536, observedSeconds: 86400 }), research).verdict
 */
export function judgeSource(source: SourceSummary, thresholds: ScannerThresholds, research: ResearchScannerList): Judgement {
  const { hits } = source;
  if (source.srcV4 !== undefined ? research.containsV4(source.srcV4) : research.contains(source.ip)) {
    return { verdict: 'research', reason: 'source is in the known research scanner ranges' };
  }
  const probes = hits.mirai + hits.zmap + hits.masscan + hits['tcp-syn-scan'] + hits['udp-probe'] + hits['icmp-probe'];
  if (probes >= hits.backscatter && probes >= thresholds.minPackets && source.distinctDestinations >= thresholds.minDistinct) {
    const family = hits.mirai * 2 >= probes ? 'mirai' : 'other';
    const tool = hits.zmap * 2 >= probes ? 'zmap' : hits.masscan * 2 >= probes ? 'masscan' : undefined;
    return {
      verdict: 'scanner',
      family,
      ...(tool ? { tool } : {}),
      reason: `${probes} probes to ${source.distinctDestinations} darknet addresses (thresholds ${thresholds.minPackets} packets, ${thresholds.minDistinct} addresses)`,
    };
  }
  if (hits.backscatter > probes) return { verdict: 'backscatter', reason: `${hits.backscatter} replies to spoofed traffic` };
  return { verdict: 'noise', reason: `${probes} probes to ${source.distinctDestinations} addresses: below scanner thresholds` };
}

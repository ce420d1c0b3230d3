/**
 * The vulnerability matcher: which records affect a device, in three states with
 * confidence and evidence. Records are compiled once and indexed by the (vendor, product)
 * keys of their `vulnerable: true` criteria outside negated parts — the only criteria that
 * can make a device affected or unknown (configuration.ts) — so a device evaluates just
 * the records that name one of its products. Criteria with an ANY or wildcard vendor or
 * product cannot be indexed; their records sit in a short fallback list every device
 * evaluates. `naiveMatch` evaluates everything, for the benchmark and as a test oracle.
 */
import { loadAliasTable, type AliasTable } from './aliases.ts';
import {
  compileConfiguration,
  evaluateConfiguration,
  explainConfiguration,
  matchedOnOf,
  type CompiledConfiguration,
  type ConfigurationOutcome,
} from './configuration.ts';
import { compilePlatform, type CompiledPlatform } from './criterion.ts';
import type { DevicePlatform, VulnerabilityMatch, VulnerabilityRecord } from './types.ts';

export interface MatchOptions {
  /** Also return records that name the device but do not affect it (default false). */
  includeNotAffected?: boolean;
}

export interface VulnerabilityMatcher {
  /** Number of records loaded. */
  readonly size: number;
  /** The alias table in use; pass it to platformOf for model exceptions and prefixes. */
  readonly aliases: AliasTable;
  /** Affected and unknown results (sorted by CVE id), each with confidence and evidence. */
  match(platform: DevicePlatform, options?: MatchOptions): VulnerabilityMatch[];
}

export interface MatcherOptions {
  /** Defaults to the shipped aliases.yaml. */
  aliases?: AliasTable;
}

interface IndexedConfiguration {
  compiled: CompiledConfiguration;
  /**
   * (vendor, product) keys of the criteria that can make this configuration affected —
   * `vulnerable: true`, outside negated parts — or undefined when one of them has an ANY
   * or wildcard vendor/product and so cannot be indexed.
   */
  keys: number[] | undefined;
}

interface CompiledRecord {
  cveId: string;
  configurations: IndexedConfiguration[];
}

const stateRank = { affected: 2, unknown: 1, 'not-affected': 0 } as const;

/**
 * Product keys ("vendor\0product") as small integers, so per-device checks compare numbers.
 * `keyIds` is the matcher's own table, filled while records are compiled.
 */
function keysOf(configuration: CompiledConfiguration, keyIds: Map<string, number>): number[] | undefined {
  const keys: number[] = [];
  if (configuration.negate) return keys;
  for (const node of configuration.nodes) {
    if (node.negate) continue;
    for (const criterion of node.criteria) {
      if (!criterion.source.vulnerable || !criterion.cpe) continue;
      if (criterion.vendorKey === undefined || criterion.productKey === undefined) return undefined;
      const text = `${criterion.vendorKey}\0${criterion.productKey}`;
      let key = keyIds.get(text);
      if (key === undefined) keyIds.set(text, (key = keyIds.size));
      if (!keys.includes(key)) keys.push(key);
    }
  }
  return keys;
}

function compileRecord(record: VulnerabilityRecord, aliases: AliasTable, keyIds: Map<string, number>): CompiledRecord {
  return {
    cveId: record.cveId,
    configurations: record.configurations.map((configuration) => {
      const compiled = compileConfiguration(configuration, aliases);
      return { compiled, keys: keysOf(compiled, keyIds) };
    }),
  };
}

/**
 * A record's result: the best configuration (affected > unknown > not affected; NVD ORs
 * them). With `deviceKeys`, configurations none of whose deciding criteria name one of
 * the device's products are skipped: they cannot be affected or unknown.
 */
function matchRecord(record: CompiledRecord, device: CompiledPlatform, options: MatchOptions, deviceKeys?: readonly number[]): VulnerabilityMatch | undefined {
  let best: ConfigurationOutcome | undefined;
  let bestConfiguration: CompiledConfiguration | undefined;
  for (const { compiled, keys } of record.configurations) {
    if (deviceKeys && keys && !sharesKey(keys, deviceKeys)) continue;
    const outcome = evaluateConfiguration(compiled, device);
    if (!best || stateRank[outcome.state] > stateRank[best.state] || (outcome.state === best.state && outcome.confidence > best.confidence)) {
      best = outcome;
      bestConfiguration = compiled;
    }
    if (best.state === 'affected' && best.confidence >= 0.95) break;
  }
  if (!best || !bestConfiguration) return undefined;
  if (best.state === 'not-affected' && !options.includeNotAffected) return undefined;
  return {
    cveId: record.cveId,
    state: best.state,
    confidence: best.confidence,
    evidence: explainConfiguration(bestConfiguration, device, best.state),
    matchedOn: matchedOnOf(bestConfiguration, device, best.state),
  };
}

function sharesKey(keys: readonly number[], deviceKeys: readonly number[]): boolean {
  for (let index = 0; index < keys.length; index++) if (deviceKeys.includes(keys[index])) return true;
  return false;
}

const byCveId = (a: VulnerabilityMatch, b: VulnerabilityMatch) => (a.cveId < b.cveId ? -1 : a.cveId > b.cveId ? 1 : 0);

/** Index keys of a record, or undefined when one of its deciding criteria cannot be indexed. */
function indexKeysOf(record: CompiledRecord): Set<number> | undefined {
  const keys = new Set<number>();
  for (const configuration of record.configurations) {
    if (configuration.keys === undefined) return undefined;
    for (const key of configuration.keys) keys.add(key);
  }
  return keys;
}

/**
 * Compile and index vulnerability records.
 * @example const matcher = createVulnerabilityMatcher(records); matcher.match(platformOf(identity, matcher.aliases))
 */
export function createVulnerabilityMatcher(records: readonly VulnerabilityRecord[], options: MatcherOptions = {}): VulnerabilityMatcher {
  const aliases = options.aliases ?? loadAliasTable();
  const keyIds = new Map<string, number>();
  const index: CompiledRecord[][] = [];
  const fallback: CompiledRecord[] = [];
  for (const record of records) {
    const compiled = compileRecord(record, aliases, keyIds);
    const keys = indexKeysOf(compiled);
    if (keys === undefined) {
      fallback.push(compiled);
      continue;
    }
    for (const key of keys) (index[key] ??= []).push(compiled);
  }
  return {
    size: records.length,
    aliases,
    match(platform, matchOptions = {}) {
      const device = compilePlatform(platform, aliases);
      const candidates = new Set<CompiledRecord>(fallback);
      const deviceKeys: number[] = [];
      for (const cpe of device.cpes) {
        const key = keyIds.get(`${cpe.vendorKey}\0${cpe.productKey}`);
        if (key === undefined || deviceKeys.includes(key)) continue;
        deviceKeys.push(key);
        const bucket = index[key];
        if (bucket) for (const record of bucket) candidates.add(record);
      }
      const results: VulnerabilityMatch[] = [];
      for (const record of candidates) {
        const result = matchRecord(record, device, matchOptions, deviceKeys);
        if (result) results.push(result);
      }
      return results.sort(byCveId);
    },
  };
}

/**
 * The baseline without an index: compiles once, then evaluates every configuration of
 * every record for each device. Same answers as the indexed matcher for affected and
 * unknown results (with includeNotAffected it also lists records that never name the device).
 * @example createNaiveMatcher(records).match(platform)
 */
export function createNaiveMatcher(records: readonly VulnerabilityRecord[], options: MatcherOptions = {}): VulnerabilityMatcher {
  const aliases = options.aliases ?? loadAliasTable();
  const compiled = records.map((record) => compileRecord(record, aliases, new Map()));
  return {
    size: records.length,
    aliases,
    match(platform, matchOptions = {}) {
      const device = compilePlatform(platform, aliases);
      const results: VulnerabilityMatch[] = [];
      for (const record of compiled) {
        const result = matchRecord(record, device, matchOptions);
        if (result) results.push(result);
      }
      return results.sort(byCveId);
    },
  };
}

/**
 * One-shot naive match of a platform against records (test oracle).
 * @example naiveMatch(records, platformOf(identity))
 */
export function naiveMatch(
  records: readonly VulnerabilityRecord[],
  platform: DevicePlatform,
  options: MatcherOptions & MatchOptions = {},
): VulnerabilityMatch[] {
  return createNaiveMatcher(records, options).match(platform, options);
}

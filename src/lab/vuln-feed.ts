/**
 * The lab's synthetic vulnerability feed: an NVD CVE API 2.0 document (same envelope and
 * field names as the real API) describing the CVE-2099-* vulnerabilities of the lab's
 * fictional vendors (vuln-catalogue.ts). CPE names are built exactly as identification
 * builds them from the products of src/lab/rules/fictional-vendors.yaml (o:<vendor>:<model>_firmware),
 * so a survey of the lab can match its own feed. Deterministic: no clock, no randomness.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { OpenNoticeError } from '../core/errors.ts';
import { formatCpe } from '../identify/cpe.ts';
import { cvssVectors, syntheticCves, targetReleases, type SyntheticCve, type SyntheticTarget } from './vuln-catalogue.ts';
import { labToday } from './vendors/profile.ts';

export interface SyntheticFeedOptions {
  /** Envelope `timestamp` (NVD's local-time form, no zone). Default: the lab's today at midnight. */
  timestamp?: string;
}

/** One NVD `cpeMatch` as the API writes it. */
interface NvdCpeMatch {
  vulnerable: boolean;
  criteria: string;
  versionStartIncluding?: string;
  versionEndExcluding?: string;
  versionEndIncluding?: string;
  matchCriteriaId: string;
}

interface NvdNode {
  operator: 'OR' | 'AND';
  negate: boolean;
  cpeMatch: NvdCpeMatch[];
}

interface NvdConfiguration {
  operator?: 'AND' | 'OR';
  nodes: NvdNode[];
}

const source = 'lab@opennotice.invalid';

/** The CPE vendor and product identification gives a fictional model (see the products of rules/fictional-vendors.yaml). */
export function labCpeNames(vendor: string, model: string): { cpeVendor: string; firmwareProduct: string; hardwareProduct: string } {
  const product = model.toLowerCase();
  return { cpeVendor: vendor.toLowerCase(), firmwareProduct: `${product}_firmware`, hardwareProduct: product };
}

/** NVD match-criteria ids are upper-case UUIDs; a hash of the criteria keeps them stable. */
function matchCriteriaId(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex').toUpperCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function cpeMatch(criteria: string, vulnerable: boolean, range: Omit<NvdCpeMatch, 'vulnerable' | 'criteria' | 'matchCriteriaId'> = {}): NvdCpeMatch {
  return { vulnerable, criteria, ...range, matchCriteriaId: matchCriteriaId(`${criteria}|${JSON.stringify(range)}`) };
}

/** The firmware cpeMatch entries of one target, written in the CVE's range style. */
function firmwareMatches(definition: SyntheticCve, target: SyntheticTarget): NvdCpeMatch[] {
  const { releases } = targetReleases(definition.vendor, target.model);
  const names = labCpeNames(definition.vendor, target.model);
  const anyVersion = formatCpe({ part: 'o', vendor: names.cpeVendor, product: names.firmwareProduct });
  const version = (index: number): string => {
    const release = releases[index];
    if (!release) throw new Error(`${definition.id}: ${target.model} has no release #${index}`);
    return release.version;
  };
  const last = releases.length - 1;
  const upper = target.to < last ? { versionEndExcluding: version(target.to + 1) } : { versionEndIncluding: version(target.to) };
  switch (definition.style) {
    case 'up-to':
    case 'except':
      if (target.from !== 0) throw new Error(`${definition.id}: "${definition.style}" ranges start at the first release`);
      return [cpeMatch(anyVersion, true, { versionEndIncluding: version(target.to) })];
    case 'before':
      if (target.from !== 0 || target.to >= last) throw new Error(`${definition.id}: "before" needs a fixed release after the range`);
      return [cpeMatch(anyVersion, true, { versionEndExcluding: version(target.to + 1) })];
    case 'window':
      return [cpeMatch(anyVersion, true, { ...(target.from > 0 ? { versionStartIncluding: version(target.from) } : {}), ...upper })];
    case 'exact': {
      const matches: NvdCpeMatch[] = [];
      for (let index = target.from; index <= target.to; index++) {
        if (index === target.except) continue;
        matches.push(cpeMatch(formatCpe({ part: 'o', vendor: names.cpeVendor, product: names.firmwareProduct, version: version(index) }), true));
      }
      return matches;
    }
  }
}

/** NVD's shape: one configuration per product pair when hardware is involved, else one OR node. */
function configurationsOf(definition: SyntheticCve): NvdConfiguration[] {
  if (definition.style === 'except') {
    return definition.targets.map((target) => {
      if (target.except === undefined) throw new Error(`${definition.id}: "except" needs an excepted release`);
      const names = labCpeNames(definition.vendor, target.model);
      const excepted = targetReleases(definition.vendor, target.model).releases[target.except]!.version;
      return {
        operator: 'AND',
        nodes: [
          { operator: 'OR', negate: false, cpeMatch: firmwareMatches(definition, target) },
          // "…but not this release": NVD expresses it with a negated node.
          {
            operator: 'OR',
            negate: true,
            cpeMatch: [cpeMatch(formatCpe({ part: 'o', vendor: names.cpeVendor, product: names.firmwareProduct, version: excepted }), true)],
          },
        ],
      };
    });
  }
  if (definition.withHardware) {
    return definition.targets.map((target) => {
      const names = labCpeNames(definition.vendor, target.model);
      return {
        operator: 'AND',
        nodes: [
          { operator: 'OR', negate: false, cpeMatch: firmwareMatches(definition, target) },
          {
            operator: 'OR',
            negate: false,
            cpeMatch: [cpeMatch(formatCpe({ part: 'h', vendor: names.cpeVendor, product: names.hardwareProduct, version: '-' }), false)],
          },
        ],
      };
    });
  }
  return [{ nodes: [{ operator: 'OR', negate: false, cpeMatch: definition.targets.flatMap((target) => firmwareMatches(definition, target)) }] }];
}

function cveOf(definition: SyntheticCve): Record<string, unknown> {
  const score = cvssVectors[definition.severity];
  const products = definition.targets.map((target) => `${definition.vendor} ${target.model}`).join(', ');
  return {
    id: definition.id,
    sourceIdentifier: source,
    published: definition.published,
    lastModified: definition.published,
    vulnStatus: 'Analyzed',
    descriptions: [{ lang: 'en', value: `SYNTHETIC (opennotice lab, not a real vulnerability): ${definition.flaw} in ${products} firmware.` }],
    metrics: {
      cvssMetricV31: [
        {
          source,
          type: 'Primary',
          cvssData: { version: '3.1', vectorString: score.vector, baseScore: score.baseScore, baseSeverity: score.baseSeverity },
          exploitabilityScore: score.exploitabilityScore,
          impactScore: score.impactScore,
        },
      ],
    },
    weaknesses: [{ source, type: 'Primary', description: [{ lang: 'en', value: definition.cwe }] }],
    configurations: configurationsOf(definition),
    references: [{ url: `https://opennotice.invalid/lab/advisories/${definition.id}`, source }],
  };
}

/**
 * The synthetic feed as an NVD CVE API 2.0 response object (one page holding everything).
 * @example syntheticFeed().vulnerabilities[0].cve.id // 'CVE-2099-0001'
 */
export function syntheticFeed(options: SyntheticFeedOptions = {}): {
  resultsPerPage: number;
  startIndex: number;
  totalResults: number;
  format: 'NVD_CVE';
  version: '2.0';
  timestamp: string;
  vulnerabilities: Array<{ cve: Record<string, unknown> }>;
} {
  const vulnerabilities = syntheticCves.map((definition) => ({ cve: cveOf(definition) }));
  return {
    resultsPerPage: vulnerabilities.length,
    startIndex: 0,
    totalResults: vulnerabilities.length,
    format: 'NVD_CVE',
    version: '2.0',
    timestamp: options.timestamp ?? `${labToday}T00:00:00.000`,
    vulnerabilities,
  };
}

/**
 * Write the synthetic feed as pretty JSON (creating the directory), for `opennotice lab --feed FILE`.
 * @example writeSyntheticFeed('out/lab-nvd.json')
 */
export function writeSyntheticFeed(file: string, options: SyntheticFeedOptions = {}): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(syntheticFeed(options), null, 2)}\n`);
  } catch (error) {
    throw new OpenNoticeError(
      'LAB_FAILED',
      `cannot write the lab's synthetic vulnerability feed: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      { file },
      { cause: error },
    );
  }
}

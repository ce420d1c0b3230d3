/**
 * CVE JSON 5.x records (as published by CVE.org, with ADP containers as in CISA's
 * vulnrichment) → VulnerabilityRecord with applicability in NVD's configuration shape.
 *
 * Applicability, in order of preference:
 * 1. CISA-ADP `affected[].cpes` (already CPE 2.3 names): each entry's versions become
 *    cpeMatch ranges. A hardware `h:` entry whose product pairs with a firmware `o:` entry
 *    (`dir-600` ↔ `dir-600_firmware`) becomes NVD's usual configuration "firmware in range
 *    AND hardware model" (hardware `vulnerable: false`); unpaired entries stand alone.
 * 2. Otherwise the CNA `affected[]`: vendor/product text → CPE (lower-cased, spaces → "_",
 *    corporate suffixes dropped; part `o` unless the product reads like an application),
 *    versions via cve5VersionBounds. Entries with vendor or product "n/a", versions that are
 *    prose, or `defaultStatus: affected` with unaffected exceptions are left out with a note.
 * Scores from CNA and every ADP container (cvssV4_0, V3_1, V3_0, V2_0) are all kept.
 */
import { OpenNoticeError, quoted } from '../../../core/errors.ts';
import { escapeCpeValue } from '../../../identify/cpe.ts';
import type { Configuration, CpeMatch, CvssScore, VulnerabilityRecord } from '../types.ts';
import { cve5VersionBounds } from './cve5-versions.ts';
import type { VersionBounds } from './cve5-versions.ts';
import { CVE_ID_PATTERN, englishText, isObject, list, severityOf, text, unique } from './json-fields.ts';
import type { JsonObject } from './json-fields.ts';

/** A CVE5 record converted, plus what parts of it could not be used. */
export interface Cve5Conversion {
  record: VulnerabilityRecord;
  /** Affected entries left out, and why (the record itself is still imported). */
  notes: string[];
}

const metricKeys: ReadonlyArray<readonly [string, CvssScore['version']]> = [
  ['cvssV4_0', '4.0'],
  ['cvssV3_1', '3.1'],
  ['cvssV3_0', '3.0'],
  ['cvssV2_0', '2.0'],
];

/**
 * Convert one CVE JSON 5 record. Throws IMPORT_INVALID (naming the CVE) when it is not a
 * CVE record, and for REJECTED records (callers list those as skipped).
 * @example cve5ToRecord(JSON.parse(readFileSync('CVE-2023-4398.json', 'utf8'))).record.configurations.length // 5
 */
export function cve5ToRecord(json: unknown, file?: string): Cve5Conversion {
  if (!isObject(json) || !isObject(json.cveMetadata) || !isObject(json.containers)) {
    throw new OpenNoticeError('IMPORT_INVALID', 'not a CVE JSON 5 record: expected "cveMetadata" and "containers"', { file });
  }
  const metadata = json.cveMetadata;
  const cveId = text(metadata.cveId);
  if (!cveId || !CVE_ID_PATTERN.test(cveId)) throw new OpenNoticeError('IMPORT_INVALID', `no valid cveMetadata.cveId (${quoted(metadata.cveId)})`, { file });
  if (text(metadata.state)?.toUpperCase() === 'REJECTED')
    throw new OpenNoticeError('IMPORT_INVALID', `${cveId}: rejected CVE (state REJECTED)`, { file, cveId, rejected: true });
  const cna = json.containers.cna;
  if (!isObject(cna)) throw new OpenNoticeError('IMPORT_INVALID', `${cveId}: no CNA container`, { file, cveId });
  const adps = list(json.containers.adp).filter(isObject);
  const notes: string[] = [];

  const adpAffected = adps.flatMap((adp) => list(adp.affected).filter((entry) => isObject(entry) && list(entry.cpes).length > 0)) as JsonObject[];
  const configurations = adpAffected.length > 0 ? adpConfigurations(adpAffected, notes) : cnaConfigurations(list(cna.affected), notes);

  const cnaName = isObject(cna.providerMetadata) ? text(cna.providerMetadata.shortName) : undefined;
  const scores = [
    ...containerScores(cna, cnaName ?? text(metadata.assignerShortName) ?? 'cna'),
    ...adps.flatMap((adp) => containerScores(adp, (isObject(adp.providerMetadata) ? text(adp.providerMetadata.shortName) : undefined) ?? 'adp')),
  ];
  const references = unique(
    [cna, ...adps].flatMap((container) => list(container.references).flatMap((ref) => (isObject(ref) && text(ref.url) ? [text(ref.url) as string] : []))),
  );
  const record: VulnerabilityRecord = {
    cveId,
    source: 'cve5',
    description: englishText(cna.descriptions),
    scores,
    configurations,
    references,
    aliases: [],
  };
  const published = text(metadata.datePublished);
  const lastModified = text(metadata.dateUpdated);
  if (published) record.published = published;
  if (lastModified) record.lastModified = lastModified;
  if (configurations.length === 0) notes.push('no usable affected product: the record is kept for scores and KEV but matches no device');
  return { record, notes };
}

function containerScores(container: JsonObject, source: string): CvssScore[] {
  const scores: CvssScore[] = [];
  for (const metric of list(container.metrics)) {
    if (!isObject(metric)) continue;
    for (const [key, version] of metricKeys) {
      const data = metric[key];
      if (!isObject(data)) continue;
      const baseScore = Number(data.baseScore);
      if (!Number.isFinite(baseScore)) continue;
      scores.push({
        version,
        baseScore,
        severity: severityOf(data.baseSeverity, baseScore, version),
        vector: text(data.vectorString) ?? '',
        source,
        type: 'Secondary',
      });
    }
  }
  return scores;
}

/** Affected version items of an entry as bounds; unaffected items are dropped (see below). */
function affectedBounds(entry: JsonObject, label: string, notes: string[]): VersionBounds[] | undefined {
  const items = list(entry.versions).filter(isObject);
  const affected = items.filter((item) => (text(item.status) ?? 'affected') === 'affected');
  // "Everything is affected except …" cannot be written as NVD ranges without inverting
  // them; leaving the entry out is safer than flagging the fixed versions too.
  if (text(entry.defaultStatus) === 'affected' && items.some((item) => text(item.status) === 'unaffected')) {
    notes.push(`${label}: defaultStatus "affected" with unaffected exceptions is not representable`);
    return undefined;
  }
  if (affected.length === 0) {
    if (text(entry.defaultStatus) === 'affected') return [{ version: '*' }];
    notes.push(`${label}: no affected version`);
    return undefined;
  }
  const bounds: VersionBounds[] = [];
  for (const item of affected) {
    const read = cve5VersionBounds(item);
    if (read) bounds.push(read);
    else notes.push(`${label}: version text ${JSON.stringify(String(item.version).slice(0, 80))} is not a version or range`);
  }
  return bounds.length > 0 ? bounds : undefined;
}

function toCpeMatch(criteria: string, bounds: VersionBounds, vulnerable: boolean): CpeMatch {
  const { version: _version, ...range } = bounds;
  return { vulnerable, criteria, ...range };
}

/** Split a CPE 2.3 string on unescaped colons. */
function cpeComponents(cpe: string): string[] {
  return cpe.split(/(?<!\\):/);
}

/** The CPE with its version component replaced (escaped unless it is ANY). */
function withVersion(cpe: string, version: string): string | undefined {
  const parts = cpeComponents(cpe);
  if (parts.length !== 13 || parts[0] !== 'cpe' || parts[1] !== '2.3') return undefined;
  parts[5] = version === '*' ? '*' : escapeCpeValue(version);
  return parts.join(':');
}

function adpConfigurations(entries: JsonObject[], notes: string[]): Configuration[] {
  const firmware: Array<{ product: string; vendor: string; matches: CpeMatch[] }> = [];
  const hardware: typeof firmware = [];
  const other: typeof firmware = [];
  entries.forEach((entry, index) => {
    const label = `ADP affected[${index}]`;
    const bounds = affectedBounds(entry, label, notes);
    if (!bounds) return;
    for (const cpe of list(entry.cpes)) {
      const [, , part = '', vendor = '', product = ''] = typeof cpe === 'string' ? cpeComponents(cpe) : [];
      const group = part === 'o' ? firmware : part === 'h' ? hardware : other;
      const matches: CpeMatch[] = [];
      for (const bound of bounds) {
        const criteria = typeof cpe === 'string' ? withVersion(cpe, bound.version) : undefined;
        if (criteria) matches.push(toCpeMatch(criteria, bound, true));
        else notes.push(`${label}: ${JSON.stringify(cpe)} is not a CPE 2.3 name`);
      }
      if (matches.length > 0) group.push({ product, vendor, matches });
    }
  });
  const configurations: Configuration[] = [];
  const pairedHardware = new Set<number>();
  for (const fw of firmware) {
    const base = fw.product.replace(/_firmware$/, '');
    const hwIndexes = hardware.flatMap((hw, index) => (hw.vendor === fw.vendor && hw.product === base ? [index] : []));
    if (hwIndexes.length === 0) {
      configurations.push({ nodes: [{ operator: 'OR', cpeMatch: fw.matches }] });
      continue;
    }
    for (const index of hwIndexes) pairedHardware.add(index);
    // The hardware names the platform; its own version range (usually "all") is not what
    // decides, so it is a non-vulnerable platform entry, as NVD writes it.
    const platform = hwIndexes.flatMap((index) =>
      hardware[index].matches.map((match) => ({ vulnerable: false, criteria: withVersion(match.criteria, '-') ?? match.criteria })),
    );
    configurations.push({
      operator: 'AND',
      nodes: [
        { operator: 'OR', cpeMatch: fw.matches },
        { operator: 'OR', cpeMatch: unique(platform.map((p) => JSON.stringify(p))).map((p) => JSON.parse(p) as CpeMatch) },
      ],
    });
  }
  hardware.forEach((hw, index) => {
    if (!pairedHardware.has(index)) configurations.push({ nodes: [{ operator: 'OR', cpeMatch: hw.matches }] });
  });
  for (const entry of other) configurations.push({ nodes: [{ operator: 'OR', cpeMatch: entry.matches }] });
  return configurations;
}

/** Legal-form words that NVD vendor names never carry. */
const corporateSuffix = /[\s,]+(?:inc\.?|incorporated|co\.?,?\s*ltd\.?|co\.?|ltd\.?|limited|corp\.?|corporation|llc|gmbh|ag|s\.?a\.?|b\.?v\.?|k\.?k\.?)$/i;
/** Products that are software installed elsewhere rather than device firmware. */
const applicationWords = /\b(?:client|app|application|software|server|manager|utility|plugin|plug-in|sdk|viewer)\b/i;

function cnaVendor(raw: string): string {
  let vendor = raw.trim();
  for (let i = 0; i < 3 && corporateSuffix.test(vendor); i++) vendor = vendor.replace(corporateSuffix, '');
  return escapeCpeValue(vendor);
}

function cnaConfigurations(affected: unknown[], notes: string[]): Configuration[] {
  const configurations: Configuration[] = [];
  affected.forEach((value, index) => {
    if (!isObject(value)) return;
    const label = `CNA affected[${index}]`;
    const vendorText = text(value.vendor);
    const productText = text(value.product);
    if (!vendorText || /^n\/?a$/i.test(vendorText) || !productText || /^n\/?a$/i.test(productText)) {
      notes.push(`${label}: vendor ${JSON.stringify(vendorText ?? '')} / product ${JSON.stringify(productText ?? '')} names no product`);
      return;
    }
    const bounds = affectedBounds(value, label, notes);
    if (!bounds) return;
    const vendor = cnaVendor(vendorText);
    // "ZXR10 1800-2S series ,ZXR10 2800-4" lists several products in one field.
    const products = productText
      .split(',')
      .map((product) => product.trim())
      .filter(Boolean);
    const matches: CpeMatch[] = [];
    for (const product of products) {
      // "Synology Drive Client" → "drive_client": NVD product names never repeat the vendor.
      const prefixes = unique([vendorText, vendorText.replace(corporateSuffix, ''), vendorText.split(/\s+/)[0]].map((p) => `${p.trim().toLowerCase()} `));
      const prefix = prefixes.find((p) => product.toLowerCase().startsWith(p) && product.length > p.length);
      const withoutVendor = prefix ? product.slice(prefix.length).trim() : product;
      const hardwareOnly = list(value.versions).some((item) => isObject(item) && item.versionType === 'hardware');
      const part = hardwareOnly ? 'h' : applicationWords.test(withoutVendor) && !/firmware/i.test(withoutVendor) ? 'a' : 'o';
      for (const bound of bounds) {
        const version = hardwareOnly ? '*' : bound.version === '*' ? '*' : escapeCpeValue(bound.version);
        const criteria = `cpe:2.3:${part}:${vendor}:${escapeCpeValue(withoutVendor)}:${version}:*:*:*:*:*:*:*`;
        matches.push(toCpeMatch(criteria, hardwareOnly ? { version: '*' } : bound, true));
      }
    }
    if (matches.length > 0) configurations.push({ nodes: [{ operator: 'OR', cpeMatch: matches }] });
  });
  return configurations;
}

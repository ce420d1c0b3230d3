/**
 * NVD CVE API 2.0 → VulnerabilityRecord. The API (and the JSON 2.0 data feeds built from
 * it) wraps CVEs in an envelope `{ resultsPerPage, startIndex, totalResults, format:
 * "NVD_CVE", version: "2.0", vulnerabilities: [{ cve }] }`. Configurations are kept exactly
 * as NVD wrote them (operators, negate, `vulnerable: false` platform entries) because the
 * matcher evaluates them as written; only the shape is checked and defaults made explicit.
 */
import { OpenNoticeError, quoted } from '../../../core/errors.ts';
import type { Configuration, ConfigurationNode, CpeMatch, CvssScore, VulnerabilityRecord } from '../types.ts';
import { CVE_ID_PATTERN, englishText, isObject, list, severityOf, text, unique } from './json-fields.ts';
import type { JsonObject } from './json-fields.ts';

/** A record the parser left out, and why (shown to the operator by `feeds import`). */
export interface SkippedRecord {
  cveId?: string;
  reason: string;
}

export interface ParsedFeed {
  records: VulnerabilityRecord[];
  skipped: SkippedRecord[];
}

/** NVD metric arrays, newest CVSS version first, with the version each one holds. */
const metricKeys: ReadonlyArray<readonly [string, CvssScore['version']]> = [
  ['cvssMetricV40', '4.0'],
  ['cvssMetricV31', '3.1'],
  ['cvssMetricV30', '3.0'],
  ['cvssMetricV2', '2.0'],
];

/**
 * Read an NVD CVE API 2.0 response (or a JSON 2.0 feed file with the same envelope).
 * Throws IMPORT_INVALID when the envelope itself is wrong; a broken or rejected CVE inside
 * it is listed in `skipped` instead, so one bad record does not lose a whole feed.
 * @example
 * const { records, skipped } = parseNvdFeed(JSON.parse(readFileSync('nvd.json', 'utf8')), 'nvd.json')
 */
export function parseNvdFeed(json: unknown, file?: string): ParsedFeed {
  if (!isObject(json) || !Array.isArray(json.vulnerabilities)) {
    throw new OpenNoticeError('IMPORT_INVALID', 'not an NVD CVE API 2.0 document: no "vulnerabilities" array', { file });
  }
  if (json.format !== undefined && json.format !== 'NVD_CVE') {
    throw new OpenNoticeError('IMPORT_INVALID', `unexpected NVD format ${quoted(json.format)} (expected "NVD_CVE")`, { file });
  }
  const records: VulnerabilityRecord[] = [];
  const skipped: SkippedRecord[] = [];
  json.vulnerabilities.forEach((item, index) => {
    const cve = isObject(item) ? item.cve : undefined;
    const cveId = isObject(cve) ? text(cve.id) : undefined;
    if (isObject(cve) && typeof cve.vulnStatus === 'string' && /^rejected$/i.test(cve.vulnStatus)) {
      skipped.push({ cveId, reason: 'rejected CVE (vulnStatus "Rejected")' });
      return;
    }
    try {
      records.push(nvdCveToRecord(cve));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      skipped.push({ cveId, reason: `vulnerabilities[${index}]: ${reason}` });
    }
  });
  return { records, skipped };
}

/**
 * Convert one NVD `cve` object. Throws IMPORT_INVALID (naming the CVE when known) on
 * anything that is not a CVE object with a valid id and well-formed configurations.
 * @example nvdCveToRecord(feed.vulnerabilities[0].cve).cveId // 'CVE-2014-8361'
 */
export function nvdCveToRecord(cve: unknown): VulnerabilityRecord {
  if (!isObject(cve)) throw new OpenNoticeError('IMPORT_INVALID', 'NVD entry has no "cve" object');
  const cveId = text(cve.id);
  if (!cveId || !CVE_ID_PATTERN.test(cveId)) {
    throw new OpenNoticeError('IMPORT_INVALID', `NVD entry has no valid CVE id (${quoted(cve.id)})`, { cveId });
  }
  try {
    const record: VulnerabilityRecord = {
      cveId,
      source: 'nvd',
      description: englishText(cve.descriptions),
      scores: nvdScores(cve.metrics),
      configurations: list(cve.configurations).map((configuration, index) => nvdConfiguration(configuration, `configurations[${index}]`)),
      references: unique(list(cve.references).flatMap((reference) => (isObject(reference) && text(reference.url) ? [text(reference.url) as string] : []))),
      aliases: [],
    };
    const published = text(cve.published);
    const lastModified = text(cve.lastModified);
    if (published) record.published = published;
    if (lastModified) record.lastModified = lastModified;
    return record;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new OpenNoticeError('IMPORT_INVALID', `${cveId}: ${message}`, { cveId }, { cause: error });
  }
}

/**
 * Every CVSS metric NVD lists (Primary and Secondary, all versions). Entries without a
 * numeric base score are ignored rather than failing the record: scores are advisory.
 * @example nvdScores({ cvssMetricV31: [{ source: 'nvd@nist.gov', type: 'Primary', cvssData: { version: '3.1', baseScore: 9.8, baseSeverity: 'CRITICAL', vectorString: 'CVSS:3.1/…' } }] })
 */
export function nvdScores(metrics: unknown): CvssScore[] {
  if (!isObject(metrics)) return [];
  const scores: CvssScore[] = [];
  for (const [key, version] of metricKeys) {
    for (const metric of list(metrics[key])) {
      if (!isObject(metric) || !isObject(metric.cvssData)) continue;
      const data: JsonObject = metric.cvssData;
      const baseScore = typeof data.baseScore === 'number' ? data.baseScore : Number(data.baseScore);
      if (!Number.isFinite(baseScore)) continue;
      // CVSS v2 keeps its severity on the metric, v3/v4 inside cvssData.
      const score: CvssScore = {
        version,
        baseScore,
        severity: severityOf(data.baseSeverity ?? metric.baseSeverity, baseScore, version),
        vector: text(data.vectorString) ?? '',
        source: text(metric.source) ?? 'unknown',
      };
      if (metric.type === 'Primary' || metric.type === 'Secondary') score.type = metric.type;
      scores.push(score);
    }
  }
  return scores;
}

function operatorOf(value: unknown, where: string): 'AND' | 'OR' | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === 'AND' || value === 'OR') return value;
  throw new Error(`${where}: operator must be "AND" or "OR", not ${JSON.stringify(value)}`);
}

function nvdConfiguration(value: unknown, where: string): Configuration {
  if (!isObject(value) || !Array.isArray(value.nodes)) throw new Error(`${where}: no "nodes" array`);
  const configuration: Configuration = { nodes: value.nodes.map((node, index) => nvdNode(node, `${where}.nodes[${index}]`)) };
  const operator = operatorOf(value.operator, where);
  if (operator) configuration.operator = operator;
  if (value.negate === true) configuration.negate = true;
  return configuration;
}

function nvdNode(value: unknown, where: string): ConfigurationNode {
  if (!isObject(value) || !Array.isArray(value.cpeMatch)) throw new Error(`${where}: no "cpeMatch" array`);
  const node: ConfigurationNode = {
    // NVD always writes a node operator; a missing one means the usual OR of its entries.
    operator: operatorOf(value.operator, where) ?? 'OR',
    cpeMatch: value.cpeMatch.map((match, index) => nvdCpeMatch(match, `${where}.cpeMatch[${index}]`)),
  };
  if (value.negate === true) node.negate = true;
  return node;
}

const rangeKeys = ['versionStartIncluding', 'versionStartExcluding', 'versionEndIncluding', 'versionEndExcluding'] as const;

function nvdCpeMatch(value: unknown, where: string): CpeMatch {
  if (!isObject(value)) throw new Error(`${where}: not an object`);
  const criteria = text(value.criteria) ?? text(value.cpe23Uri);
  if (!criteria?.startsWith('cpe:2.3:')) throw new Error(`${where}: no CPE 2.3 "criteria"`);
  const match: CpeMatch = { vulnerable: value.vulnerable !== false, criteria };
  for (const key of rangeKeys) {
    const bound = text(value[key]);
    if (bound) match[key] = bound;
  }
  const id = text(value.matchCriteriaId);
  if (id) match.matchCriteriaId = id;
  return match;
}

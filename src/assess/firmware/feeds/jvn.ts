/**
 * MyJVN API documents (JVN iPedia, Japan) → VulnerabilityRecord (source 'jvn'). Read:
 * - ver. HND XML: VULDEF detail documents (getVulnDetailInfo, dataFeed detail) and the
 *   RSS 1.0 overview lists (getVulnOverviewList, dataFeed rss);
 * - ver. OKA JSON: CSAF-style detail documents and the overview feed (`feed.entry`).
 * Other MyJVN documents (vendor/product lists, statistics, alerts) hold no vulnerabilities:
 * they import as zero records with a note. One JVNDB entry becomes one record per CVE it
 * references (aliases = the JVNDB id); an entry without a CVE is keyed by its JVNDB id.
 * CPE 2.2 URIs become CPE 2.3 names; Japanese version phrases become ranges; a version note
 * naming CVEs ("…より前（CVE-2025-0355）") applies to those CVEs only.
 */
import { OpenNoticeError } from '../../../core/errors.ts';
import { escapeCpeValue } from '../../../identify/cpe.ts';
import { parseXml } from '../../../identify/recog/xml.ts';
import type { XmlElement } from '../../../identify/recog/xml.ts';
import type { SkippedFeedRecord } from '../../../store/roles/feed-imports.ts';
import type { Configuration, CpeMatch, CvssScore, VulnerabilityRecord } from '../types.ts';
import { versionTextBounds } from './cve5-versions.ts';
import { DESCRIPTION_LIMIT, isObject, list, severityOf, text, unique } from './json-fields.ts';
import type { JsonObject } from './json-fields.ts';

export interface ParsedJvn {
  records: VulnerabilityRecord[];
  /** JVNDB entries read. */
  read: number;
  skipped: SkippedFeedRecord[];
  notes: SkippedFeedRecord[];
}

/** One JVNDB entry in a source-neutral shape, before it is split per CVE. */
interface JvnEntry {
  jvnId: string;
  description: string;
  published?: string;
  lastModified?: string;
  cveIds: string[];
  references: string[];
  scores: CvssScore[];
  products: Array<{ cpe: string; versions: string[] }>;
}

const JVN_ID = /^JVNDB-\d{4}-\d+$/;
const CVE_IN_TEXT = /CVE-\d{4}-\d{4,}/g;

/**
 * Parse a MyJVN document (XML or JSON text).
 * @example parseJvnText(readFileSync('getVulnDetailInfo_hnd_JVNDB-2022-000097.xml', 'utf8'), 'x.xml').records.length // 3
 */
export function parseJvnText(text: string, file: string): ParsedJvn {
  const result: ParsedJvn = { records: [], read: 0, skipped: [], notes: [] };
  let entries: JvnEntry[];
  if (/^\s*</.test(text)) {
    // MyJVN's status element has been seen with an unquoted attribute (retCd= 0): quote it.
    const document = parseXml(
      text.replace(/<status:Status\b[^>]*>/g, (tag) => tag.replace(/=\s*([^"'\s>]+)/g, '="$1"')),
      file,
    );
    entries =
      localName(document.name) === 'VULDEF-Document'
        ? document.children.filter((c) => c.name === 'Vulinfo').map((v) => vuldefEntry(v, result.notes))
        : localName(document.name) === 'RDF'
          ? document.children.filter((c) => localName(c.name) === 'item').map(rssEntry)
          : noVulnerabilities(document.name, result);
  } else {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new OpenNoticeError('IMPORT_INVALID', `malformed JSON: ${(error as Error).message}`, { file }, { cause: error });
    }
    if (!isObject(json)) throw new OpenNoticeError('IMPORT_INVALID', 'not a MyJVN document', { file });
    entries =
      isObject(json.document) && isObject(json.product_tree)
        ? [csafEntry(json, result.notes)]
        : isObject(json.feed) && Array.isArray(json.feed.entry) && json.feed.entry.some((e) => isObject(e) && JVN_ID.test(String(e.id)))
          ? json.feed.entry.filter(isObject).map(okaFeedEntry)
          : noVulnerabilities(String(json.$schema ?? 'JSON'), result);
  }
  for (const entry of entries) {
    result.read++;
    if (!JVN_ID.test(entry.jvnId)) {
      result.skipped.push({ id: entry.jvnId || undefined, reason: 'no JVNDB identifier' });
      continue;
    }
    result.records.push(...entryRecords(entry, result.notes));
  }
  return result;
}

function noVulnerabilities(kind: string, result: ParsedJvn): JvnEntry[] {
  result.notes.push({ reason: `MyJVN document "${kind}" holds no vulnerability entries (vendor/product lists, statistics and alerts are not imported)` });
  return [];
}

const localName = (name: string): string => name.slice(name.indexOf(':') + 1);
const child = (element: XmlElement, name: string): XmlElement | undefined => element.children.find((c) => c.name === name);
const children = (element: XmlElement, name: string): XmlElement[] => element.children.filter((c) => c.name === name);
const childText = (element: XmlElement | undefined, name: string): string | undefined => (element ? text(child(element, name)?.text) : undefined);

/** JVN text fields carry escaped HTML lists; descriptions keep the words only. */
function plainText(value: string | undefined): string {
  const plain = (value ?? '')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length > DESCRIPTION_LIMIT ? plain.slice(0, DESCRIPTION_LIMIT) : plain;
}

function score(version: string | undefined, base: unknown, severity: unknown, vector: unknown, source: string): CvssScore | undefined {
  const cvss = version === '2.0' || version === '2' ? '2.0' : version === '3.0' ? '3.0' : version === '3.1' ? '3.1' : version === '4.0' ? '4.0' : undefined;
  const baseScore = Number(base);
  if (!cvss || !Number.isFinite(baseScore) || text(String(base ?? '')) === undefined) return undefined;
  return {
    version: cvss,
    baseScore,
    severity: severityOf(severity, baseScore, cvss),
    vector: typeof vector === 'string' ? vector.trim() : '',
    source,
    type: 'Secondary',
  };
}

function vuldefEntry(vulinfo: XmlElement, notes: SkippedFeedRecord[]): JvnEntry {
  const data = child(vulinfo, 'VulinfoData');
  const jvnId = childText(vulinfo, 'VulinfoID') ?? '';
  const related = data ? children(child(data, 'Related') ?? data, 'RelatedItem') : [];
  const cveIds = unique(related.flatMap((item) => (childText(item, 'VulinfoID') ?? '').match(CVE_IN_TEXT) ?? []));
  const impact = data ? child(data, 'Impact') : undefined;
  const scores = (impact ? children(impact, 'Cvss') : []).flatMap(
    (cvss) => score(cvss.attributes.version, childText(cvss, 'Base'), childText(cvss, 'Severity'), childText(cvss, 'Vector'), 'JVN') ?? [],
  );
  const products = (data ? children(child(data, 'Affected') ?? data, 'AffectedItem') : []).flatMap((item) => {
    const cpe = childText(item, 'Cpe');
    if (!cpe) return [];
    return [
      {
        cpe,
        versions: children(item, 'VersionNumber')
          .map((v) => v.text.trim())
          .filter(Boolean),
      },
    ];
  });
  if (!data) notes.push({ id: jvnId, reason: 'no VulinfoData' });
  return {
    jvnId,
    description: plainText(childText(data ? child(data, 'VulinfoDescription') : undefined, 'Overview') ?? childText(data, 'Title')),
    published: childText(data, 'DateFirstPublished') ?? childText(data, 'DatePublic'),
    lastModified: childText(data, 'DateLastUpdated'),
    cveIds,
    references: unique(related.flatMap((item) => childText(item, 'URL') ?? [])),
    scores,
    products,
  };
}

function rssEntry(item: XmlElement): JvnEntry {
  const references = children(item, 'sec:references');
  return {
    jvnId: childText(item, 'sec:identifier') ?? '',
    description: plainText(childText(item, 'description') ?? childText(item, 'title')),
    published: childText(item, 'dcterms:issued') ?? childText(item, 'dc:date'),
    lastModified: childText(item, 'dcterms:modified'),
    cveIds: unique(references.flatMap((ref) => (ref.attributes.id ?? '').match(CVE_IN_TEXT) ?? [])),
    references: unique(references.map((ref) => ref.text.trim()).filter((url) => /^https?:/.test(url))),
    scores: children(item, 'sec:cvss').flatMap(
      (cvss) => score(cvss.attributes.version, cvss.attributes.score, cvss.attributes.severity, cvss.attributes.vector, 'JVN') ?? [],
    ),
    // Overview lists name products without versions.
    products: children(item, 'sec:cpe').map((cpe) => ({ cpe: cpe.text.trim(), versions: [] })),
  };
}

function okaScores(metrics: unknown): CvssScore[] {
  return list(metrics).flatMap((metric) => {
    const content = isObject(metric) && isObject(metric.content) ? metric.content : undefined;
    if (!content) return [];
    return ['cvss_v4', 'cvss_v3', 'cvss_v2'].flatMap((key) => {
      const data = content[key];
      return isObject(data) ? (score(text(data.version), data.baseScore, data.baseSeverity, data.vectorString, 'JVN') ?? []) : [];
    });
  });
}

function csafEntry(json: JsonObject, notes: SkippedFeedRecord[]): JvnEntry {
  const document = json.document as JsonObject;
  const tracking = isObject(document.tracking) ? document.tracking : {};
  const jvnId = text(tracking.id) ?? '';
  // product_id → CPE, and product name → versions from jvn_extension.affected.
  const cpeById = new Map<string, { cpe: string; name: string }>();
  const walk = (branch: unknown, depth: number): void => {
    if (!isObject(branch) || depth > 20) return;
    const product = branch.product;
    if (isObject(product) && isObject(product.product_identification_helper)) {
      const cpe = text(product.product_identification_helper.cpe);
      if (cpe && text(product.product_id)) cpeById.set(text(product.product_id) as string, { cpe, name: text(product.name) ?? '' });
    }
    for (const next of list(branch.branches)) walk(next, depth + 1);
  };
  walk(json.product_tree, 0);
  const extension = isObject(json.jvn_extension) ? json.jvn_extension : {};
  const versionsByName = new Map<string, string[]>();
  for (const affected of list(extension.affected).filter(isObject)) {
    const versions = list(affected.versions)
      .filter(isObject)
      .map((v) => (text(v.lessThanOrEqual) ? `${text(v.lessThanOrEqual)} およびそれ以前` : (text(v.version) ?? text(v.description) ?? '')))
      .filter(Boolean);
    versionsByName.set(text(affected.product) ?? '', versions);
  }
  const vulnerabilities = list(json.vulnerabilities).filter(isObject);
  const affectedIds = unique(
    vulnerabilities.flatMap((v) =>
      (isObject(v.product_status) ? list(v.product_status.known_affected) : []).filter((id): id is string => typeof id === 'string'),
    ),
  );
  const products = (affectedIds.length > 0 ? affectedIds : [...cpeById.keys()]).flatMap((id) => {
    const product = cpeById.get(id);
    if (!product) {
      notes.push({ id: jvnId, reason: `product ${id} has no CPE` });
      return [];
    }
    return [{ cpe: product.cpe, versions: versionsByName.get(product.name) ?? [] }];
  });
  const references = list(document.references).filter(isObject);
  return {
    jvnId,
    description: plainText(
      text(
        list(document.notes)
          .filter(isObject)
          .find((n) => n.category === 'description')?.text,
      ) ?? text(document.title),
    ),
    published: text(tracking.initial_release_date),
    lastModified: text(tracking.current_release_date),
    cveIds: unique([
      ...vulnerabilities.flatMap((v) => text(v.cve)?.match(CVE_IN_TEXT) ?? []),
      ...references.flatMap((r) => String(r.summary ?? '').match(CVE_IN_TEXT) ?? []),
    ]),
    references: unique(references.flatMap((r) => text(r.url) ?? [])),
    scores: vulnerabilities.flatMap((v) => okaScores(v.metrics)),
    products,
  };
}

function okaFeedEntry(entry: JsonObject): JvnEntry {
  const references = list(entry.references).filter(isObject);
  return {
    jvnId: text(entry.id) ?? '',
    description: plainText(text(entry.summary) ?? text(entry.title)),
    published: text(entry.created) ?? text(entry.public),
    lastModified: text(entry.modified),
    cveIds: unique(references.flatMap((r) => `${String(r.summary ?? '')} ${String(r.id ?? '')} ${String(r.url ?? '')}`.match(CVE_IN_TEXT) ?? [])),
    references: unique(references.flatMap((r) => text(r.url) ?? [])),
    scores: okaScores(entry.metrics),
    products: list(entry.products)
      .filter(isObject)
      .flatMap((product) => {
        const cpe = isObject(product.product_ids) ? text(product.product_ids.cpe) : undefined;
        return cpe ? [{ cpe, versions: [] }] : [];
      }),
  };
}

/**
 * A CPE 2.2 URI (cpe:/o:nec:aterm_wx3000hp_firmware) or 2.3 name → CPE 2.3 name with ANY
 * version; undefined for part-less or vendor-only URIs (cpe:/:misc).
 * @example cpe23FromJvn('cpe:/o:planex:mzk-dp300n') // 'cpe:2.3:o:planex:mzk-dp300n:*:*:*:*:*:*:*:*'
 */
export function cpe23FromJvn(cpe: string): string | undefined {
  if (cpe.startsWith('cpe:2.3:')) {
    const parts = cpe.split(/(?<!\\):/);
    if (parts.length !== 13 || !/^[aoh]$/.test(parts[2]) || parts[3] === '*' || parts[4] === '*') return undefined;
    parts[5] = '*';
    return parts.join(':');
  }
  const match = /^cpe:\/([aoh]):([^:]+):([^:]+)/i.exec(cpe.trim());
  if (!match) return undefined;
  const decode = (value: string) => escapeCpeValue(decodeURIComponent(value.replace(/%(?![0-9a-f]{2})/gi, '%25')));
  return `cpe:2.3:${match[1].toLowerCase()}:${decode(match[2])}:${decode(match[3])}:*:*:*:*:*:*:*:*`;
}

function entryRecords(entry: JvnEntry, notes: SkippedFeedRecord[]): VulnerabilityRecord[] {
  const ids = entry.cveIds.length > 0 ? entry.cveIds : [entry.jvnId];
  return ids.map((cveId) => {
    const matches: CpeMatch[] = [];
    for (const product of entry.products) {
      const criteria = cpe23FromJvn(product.cpe);
      if (!criteria) {
        notes.push({ id: entry.jvnId, reason: `CPE ${JSON.stringify(product.cpe)} names no product` });
        continue;
      }
      if (product.versions.length === 0) {
        matches.push({ vulnerable: true, criteria });
        continue;
      }
      for (const version of product.versions) {
        // "(CVE-2025-0354、CVE-2025-0355)" after a version limits it to those CVEs.
        const named = version.match(CVE_IN_TEXT);
        if (named && !named.includes(cveId)) continue;
        const bounds = versionTextBounds(version);
        if (!bounds) {
          if (cveId === ids[0]) notes.push({ id: entry.jvnId, reason: `version text ${JSON.stringify(version)} is not a version or range` });
          continue;
        }
        const { version: exact, ...range } = bounds;
        const criteriaWithVersion = exact === '*' ? criteria : criteria.replace(/^((?:[^:]*:){5})\*/, `$1${escapeCpeValue(exact)}`);
        matches.push({ vulnerable: true, criteria: criteriaWithVersion, ...range });
      }
    }
    const configurations: Configuration[] = matches.length > 0 ? [{ nodes: [{ operator: 'OR', cpeMatch: matches }] }] : [];
    const record: VulnerabilityRecord = {
      cveId,
      source: 'jvn',
      description: entry.description,
      scores: entry.scores,
      configurations,
      references: entry.references,
      aliases: [entry.jvnId],
    };
    if (entry.published) record.published = entry.published;
    if (entry.lastModified) record.lastModified = entry.lastModified;
    return record;
  });
}

/**
 * CISA Known Exploited Vulnerabilities catalog (JSON feed) → KevEntry[]. The catalog is
 * `{ title, catalogVersion, dateReleased, count, vulnerabilities: [{ cveID, vendorProject,
 * product, vulnerabilityName, dateAdded, shortDescription, requiredAction, dueDate,
 * knownRansomwareCampaignUse, notes, cwes }] }`, newest first. Entries are joined to CVE
 * records on the CVE id only: vendorProject is free text ("Multiple Vendors") and never
 * used for matching.
 */
import { OpenNoticeError } from '../../../core/errors.ts';
import type { KevEntry } from '../types.ts';
import { CVE_ID_PATTERN, isObject, text } from './json-fields.ts';

export interface ParsedKev {
  entries: KevEntry[];
  skipped: Array<{ cveId?: string; reason: string }>;
  /** `catalogVersion` of the file, e.g. "2025.08.25". */
  catalogVersion?: string;
}

/**
 * Read a KEV catalog. Throws IMPORT_INVALID when the document is not a catalog; an
 * entry without a CVE id, a name or a date is skipped with the reason.
 * @example parseKevCatalog(JSON.parse(readFileSync('known_exploited_vulnerabilities.json', 'utf8'))).entries.length // 1404
 */
export function parseKevCatalog(json: unknown, file?: string): ParsedKev {
  if (!isObject(json) || !Array.isArray(json.vulnerabilities) || (json.catalogVersion === undefined && json.title === undefined)) {
    throw new OpenNoticeError('IMPORT_INVALID', 'not a CISA KEV catalog: expected "catalogVersion" and a "vulnerabilities" array', { file });
  }
  const entries: KevEntry[] = [];
  const skipped: ParsedKev['skipped'] = [];
  json.vulnerabilities.forEach((item, index) => {
    const cveId = isObject(item) ? text(item.cveID) : undefined;
    if (!isObject(item) || !cveId || !CVE_ID_PATTERN.test(cveId)) {
      skipped.push({ cveId, reason: `vulnerabilities[${index}]: no valid "cveID"` });
      return;
    }
    const dateAdded = text(item.dateAdded);
    if (!dateAdded) {
      skipped.push({ cveId, reason: `vulnerabilities[${index}]: no "dateAdded"` });
      return;
    }
    const entry: KevEntry = {
      cveId,
      vendorProject: text(item.vendorProject) ?? '',
      product: text(item.product) ?? '',
      vulnerabilityName: text(item.vulnerabilityName) ?? '',
      dateAdded,
      // Only an explicit "Known" is a known campaign; anything else is CISA's "Unknown".
      knownRansomwareCampaignUse: text(item.knownRansomwareCampaignUse)?.toLowerCase() === 'known' ? 'Known' : 'Unknown',
    };
    const dueDate = text(item.dueDate);
    const requiredAction = text(item.requiredAction);
    if (dueDate) entry.dueDate = dueDate;
    if (requiredAction) entry.requiredAction = requiredAction;
    entries.push(entry);
  });
  const catalogVersion = text(json.catalogVersion);
  return catalogVersion ? { entries, skipped, catalogVersion } : { entries, skipped };
}

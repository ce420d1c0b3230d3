/**
 * The sector contacts of the ISP registry file (`sectorContacts:` beside `isps:`): who hears about
 * findings on critical devices of each sector — e.g. an ISAC that forwards to the owners, as
 * ICT-ISAC Japan does, or a sector's CSIRT. Validated field by field with file:line errors
 * (CONFIG_INVALID). Format: docs/attribution.md; example: examples/isps.yaml.
 */
import { createFieldReader, parseDataFile, readDataFile, type DataFile, type DataPath } from '../core/data-file.ts';
import { criticalSectors, type CriticalSector } from '../core/records.ts';
import { type ReportLanguage, reportLanguages } from './isp-registry.ts';

/** One recipient of a sector's report. A sector may have several; each gets its own delivery. */
export interface SectorContact {
  sector: CriticalSector;
  /** Who it is, for logs and the operator: "ICT-ISAC (solar)". */
  name: string;
  email: string;
  /** The language of the report's text. */
  language: ReportLanguage;
}

const contactKeys = ['sector', 'name', 'email', 'language'] as const;
// Deliverable mailbox shape, as the ISP contacts are checked: one @, no spaces or angle brackets.
const emailPattern = /^[^\s@<>,;]+@[^\s@<>,;]+$/;

/**
 * Read the sector contacts of a registry file; none when the file has no `sectorContacts`.
 * @example readSectorContacts('examples/isps.yaml').filter((contact) => contact.sector === 'solar')
 */
export function readSectorContacts(file: string): SectorContact[] {
  return sectorContactsFromDataFile(readDataFile(file, 'CONFIG_INVALID'));
}

/** @example parseSectorContacts('sectorContacts:\n  - { sector: solar, name: ISAC, email: solar@isac.example }', 'isps.yaml') */
export function parseSectorContacts(text: string, file: string): SectorContact[] {
  return sectorContactsFromDataFile(parseDataFile(text, file, 'CONFIG_INVALID'));
}

/**
 * Validate the `sectorContacts` list of a parsed registry file (the `isps` list is read by
 * isp-registry-file.ts). The same address twice for one sector is a mistake, not two recipients.
 */
export function sectorContactsFromDataFile(dataFile: DataFile): SectorContact[] {
  const read = createFieldReader(dataFile, 'CONFIG_INVALID');
  const root = read.object(dataFile.data ?? {}, []);
  if (root.sectorContacts === undefined) return [];
  const seen = new Set<string>();
  return read.list(root.sectorContacts, ['sectorContacts']).map((value, index) => {
    const path: DataPath = ['sectorContacts', index];
    const entry = read.object(value, path);
    read.onlyKeys(entry, path, contactKeys);
    for (const key of ['sector', 'name', 'email'] as const) if (entry[key] === undefined) read.fail(path, `sector contact is missing "${key}"`);
    const sector = read.oneOf(entry.sector, [...path, 'sector'], criticalSectors);
    const email = read.string(entry.email, [...path, 'email']).trim();
    if (!emailPattern.test(email)) read.fail([...path, 'email'], `"${email}" is not an e-mail address`);
    const key = `${sector}\u0000${email.toLowerCase()}`;
    if (seen.has(key)) read.fail([...path, 'email'], `${email} is already a contact of sector ${sector}`);
    seen.add(key);
    return {
      sector,
      name: read.string(entry.name, [...path, 'name']).trim(),
      email,
      language: entry.language === undefined ? 'en' : read.oneOf(entry.language, [...path, 'language'], reportLanguages),
    };
  });
}

/**
 * The ISP registry file (YAML or JSON), validated field by field with file:line errors
 * (CONFIG_INVALID). Format: docs/attribution.md; example: examples/isps.yaml.
 */
import { createFieldReader, parseDataFile, readDataFile, type DataFile, type DataPath } from '../core/data-file.ts';
import { parsePrefix } from './address.ts';
import { quoted } from '../core/errors.ts';
import {
  createIspRegistry,
  defaultIspPreferences,
  reportCadences,
  reportFormats,
  reportLanguages,
  type Isp,
  type IspContacts,
  type IspPreferences,
  type IspRegistry,
} from './isp-registry.ts';

const ispKeys = ['id', 'name', 'asns', 'prefixes', 'contacts', 'preferences', 'managesCustomerDevices'] as const;
const contactKeys = ['abuseEmail', 'webhookUrl', 'portalUsers'] as const;
const preferenceKeys = ['format', 'cadence', 'language'] as const;
const idPattern = /^[a-z0-9][a-z0-9._-]{0,63}$/;
// Deliverable mailbox shape, not full RFC 5322: one @, no spaces or angle brackets.
const emailPattern = /^[^\s@<>,;]+@[^\s@<>,;]+$/;

/**
 * Read and validate an ISP registry file.
 * @example const registry = readIspRegistry('examples/isps.yaml'); registry.byAsn(64500)?.contacts.abuseEmail
 */
export function readIspRegistry(file: string): IspRegistry {
  return createIspRegistry(ispsFromDataFile(readDataFile(file, 'CONFIG_INVALID')));
}

/** @example parseIspRegistry('isps:\n  - { id: a, name: A, asns: [64500], contacts: { abuseEmail: abuse@a.example } }', 'isps.yaml') */
export function parseIspRegistry(text: string, file: string): IspRegistry {
  return createIspRegistry(ispsFromDataFile(parseDataFile(text, file, 'CONFIG_INVALID')));
}

/**
 * Validate the parsed file into ISP records. Conflicts between ISPs (an id, ASN or prefix
 * claimed twice) are reported here, at the second claim's line, before the registry sees them.
 */
export function ispsFromDataFile(dataFile: DataFile): Isp[] {
  const read = createFieldReader(dataFile, 'CONFIG_INVALID');
  const root = read.object(dataFile.data ?? {}, []);
  // `integrators` (integrator-registry-file.ts), `sectorContacts` (sector-contacts.ts) and `sharing` (sharing/sharing-registry-file.ts) share the file.
  read.onlyKeys(root, [], ['isps', 'integrators', 'sectorContacts', 'sharing']);
  const entries = read.list(root.isps, ['isps']);
  const claimedIds = new Map<string, number>();
  const claimedAsns = new Map<number, string>();
  const claimedPrefixes = new Map<string, string>();
  return entries.map((value, index) => {
    const path: DataPath = ['isps', index];
    const entry = read.object(value, path);
    read.onlyKeys(entry, path, ispKeys);
    const id = read.string(entry.id, [...path, 'id']);
    if (!idPattern.test(id)) read.fail([...path, 'id'], `${quoted(id)} is not a valid id (lower-case letters, digits, ".", "_", "-"; at most 64)`);
    const firstIndex = claimedIds.get(id);
    if (firstIndex !== undefined) read.fail([...path, 'id'], `duplicate id ${quoted(id)} (first at line ${dataFile.lineOf(['isps', firstIndex])})`);
    claimedIds.set(id, index);

    const asns = (entry.asns === undefined ? [] : read.list(entry.asns, [...path, 'asns'])).map((asn, asnIndex) => {
      const asnPath = [...path, 'asns', asnIndex];
      const number = read.number(asn, asnPath, { min: 1, max: 4294967295 });
      if (!Number.isInteger(number)) read.fail(asnPath, 'an AS number is a whole number');
      const owner = claimedAsns.get(number);
      if (owner !== undefined) read.fail(asnPath, `AS${number} already belongs to ${quoted(owner)}`);
      claimedAsns.set(number, id);
      return number;
    });
    const prefixes = (entry.prefixes === undefined ? [] : read.list(entry.prefixes, [...path, 'prefixes'])).map((prefixValue, prefixIndex) => {
      const prefixPath = [...path, 'prefixes', prefixIndex];
      const text = read.string(prefixValue, prefixPath).trim();
      const prefix = parsePrefix(text);
      if (!prefix || !text.includes('/')) read.fail(prefixPath, `${quoted(text)} is not a prefix (e.g. 192.0.2.0/24 or 2001:db8::/32)`);
      if (prefix!.hostBitsSet) read.fail(prefixPath, `${quoted(text)} has host bits set`);
      const key = `${prefix!.family}:${String(prefix!.first)}/${prefix!.length}`;
      const owner = claimedPrefixes.get(key);
      if (owner !== undefined) read.fail(prefixPath, `${text} already belongs to ${quoted(owner)}`);
      claimedPrefixes.set(key, id);
      return text;
    });
    if (asns.length === 0 && prefixes.length === 0) read.fail(path, `ISP ${quoted(id)} needs at least one of asns or prefixes, or no address can reach it`);

    let managesCustomerDevices = false;
    if (entry.managesCustomerDevices !== undefined) {
      if (typeof entry.managesCustomerDevices !== 'boolean') read.fail([...path, 'managesCustomerDevices'], 'expected true or false');
      managesCustomerDevices = entry.managesCustomerDevices as boolean;
    }
    return {
      id,
      name: read.string(entry.name, [...path, 'name']),
      asns,
      prefixes,
      contacts: readContacts(read, entry.contacts, [...path, 'contacts']),
      preferences: readPreferences(read, entry.preferences, [...path, 'preferences']),
      managesCustomerDevices,
    };
  });
}

type FieldReader = ReturnType<typeof createFieldReader>;

function readContacts(read: FieldReader, value: unknown, path: DataPath): IspContacts {
  const contacts = read.object(value, path);
  read.onlyKeys(contacts, path, contactKeys);
  const result: IspContacts = { portalUsers: [] };
  if (contacts.abuseEmail !== undefined) {
    const email = read.string(contacts.abuseEmail, [...path, 'abuseEmail']).trim();
    if (!emailPattern.test(email)) read.fail([...path, 'abuseEmail'], `${quoted(email)} is not an e-mail address`);
    result.abuseEmail = email;
  }
  if (contacts.webhookUrl !== undefined) {
    const text = read.string(contacts.webhookUrl, [...path, 'webhookUrl']).trim();
    if (!URL.canParse(text) || !['http:', 'https:'].includes(new URL(text).protocol))
      read.fail([...path, 'webhookUrl'], `${quoted(text)} is not an http(s) URL`);
    result.webhookUrl = text;
  }
  if (contacts.portalUsers !== undefined) {
    read.list(contacts.portalUsers, [...path, 'portalUsers']).forEach((user, index) => {
      const name = read.string(user, [...path, 'portalUsers', index]).trim();
      if (result.portalUsers.includes(name)) read.fail([...path, 'portalUsers', index], `${quoted(name)} is listed twice`);
      result.portalUsers.push(name);
    });
  }
  if (!result.abuseEmail && !result.webhookUrl && result.portalUsers.length === 0) {
    read.fail(path, 'at least one of abuseEmail, webhookUrl or portalUsers is needed to notify this ISP');
  }
  return result;
}

function readPreferences(read: FieldReader, value: unknown, path: DataPath): IspPreferences {
  if (value === undefined) return { ...defaultIspPreferences };
  const preferences = read.object(value, path);
  read.onlyKeys(preferences, path, preferenceKeys);
  return {
    format: preferences.format === undefined ? defaultIspPreferences.format : read.oneOf(preferences.format, [...path, 'format'], reportFormats),
    cadence: preferences.cadence === undefined ? defaultIspPreferences.cadence : read.oneOf(preferences.cadence, [...path, 'cadence'], reportCadences),
    language: preferences.language === undefined ? defaultIspPreferences.language : read.oneOf(preferences.language, [...path, 'language'], reportLanguages),
  };
}

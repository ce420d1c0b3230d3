/**
 * The `integrators` list of the ISP registry file (YAML or JSON), validated field by field with
 * file:line errors (CONFIG_INVALID). Format: docs/attribution.md; example: examples/isps.yaml.
 */
import { createFieldReader, parseDataFile, readDataFile, type DataFile, type DataPath } from '../core/data-file.ts';
import { parsePrefix } from './address.ts';
import { createIntegratorIndex, type Integrator, type IntegratorIndex } from './integrators.ts';
import { reportLanguages } from './isp-registry.ts';
import { quoted } from '../core/errors.ts';

const integratorKeys = ['id', 'name', 'contacts', 'ranges', 'customerIds'] as const;
const contactKeys = ['email', 'language'] as const;
const idPattern = /^[a-z0-9][a-z0-9._-]{0,63}$/;
// Deliverable mailbox shape, as for ISPs: one @, no spaces or angle brackets.
const emailPattern = /^[^\s@<>,;]+@[^\s@<>,;]+$/;

/**
 * Read the integrators of a registry file (none when it has no `integrators` list).
 * @example readIntegrators('examples/isps.yaml').find('192.0.2.20')?.integrator.name
 */
export function readIntegrators(file: string): IntegratorIndex {
  return createIntegratorIndex(integratorsFromDataFile(readDataFile(file, 'CONFIG_INVALID')));
}

/** @example parseIntegrators('integrators:\n  - { id: kita, name: Kita, contacts: { email: a@kita.example, language: ja }, ranges: [192.0.2.0/28] }', 'isps.yaml') */
export function parseIntegrators(text: string, file: string): IntegratorIndex {
  return createIntegratorIndex(integratorsFromDataFile(parseDataFile(text, file, 'CONFIG_INVALID')));
}

/**
 * Validate the `integrators` list into records. An id or a range claimed twice is reported here,
 * at the second claim's line, before the index sees it.
 */
export function integratorsFromDataFile(dataFile: DataFile): Integrator[] {
  const read = createFieldReader(dataFile, 'CONFIG_INVALID');
  const root = read.object(dataFile.data ?? {}, []);
  if (root.integrators === undefined) return [];
  const entries = read.list(root.integrators, ['integrators']);
  const claimedIds = new Map<string, number>();
  const claimedRanges = new Map<string, string>();
  return entries.map((value, index) => {
    const path: DataPath = ['integrators', index];
    const entry = read.object(value, path);
    read.onlyKeys(entry, path, integratorKeys);
    const id = read.string(entry.id, [...path, 'id']);
    if (!idPattern.test(id)) read.fail([...path, 'id'], `${quoted(id)} is not a valid id (lower-case letters, digits, ".", "_", "-"; at most 64)`);
    const firstIndex = claimedIds.get(id);
    if (firstIndex !== undefined)
      read.fail([...path, 'id'], `duplicate integrator id ${quoted(id)} (first at line ${dataFile.lineOf(['integrators', firstIndex])})`);
    claimedIds.set(id, index);

    const ranges = (entry.ranges === undefined ? [] : read.list(entry.ranges, [...path, 'ranges'])).map((rangeValue, rangeIndex) => {
      const rangePath = [...path, 'ranges', rangeIndex];
      const text = read.string(rangeValue, rangePath).trim();
      const prefix = parsePrefix(text);
      if (!prefix || !text.includes('/')) read.fail(rangePath, `${quoted(text)} is not a CIDR range (e.g. 192.0.2.0/28 or 2001:db8:5::/48)`);
      if (prefix!.hostBitsSet) read.fail(rangePath, `${quoted(text)} has host bits set`);
      const key = `${prefix!.family}:${String(prefix!.first)}/${prefix!.length}`;
      const owner = claimedRanges.get(key);
      if (owner !== undefined) read.fail(rangePath, `${text} is already managed by ${quoted(owner)}`);
      claimedRanges.set(key, id);
      return text;
    });
    const customerIds: string[] = [];
    if (entry.customerIds !== undefined)
      read.list(entry.customerIds, [...path, 'customerIds']).forEach((customer, customerIndex) => {
        const customerId = read.string(customer, [...path, 'customerIds', customerIndex]).trim();
        if (customerIds.includes(customerId)) read.fail([...path, 'customerIds', customerIndex], `customer id ${quoted(customerId)} is listed twice`);
        customerIds.push(customerId);
      });
    if (ranges.length === 0 && customerIds.length === 0) read.fail(path, `integrator ${quoted(id)} needs ranges or customerIds: what does it manage?`);

    const contactsPath = [...path, 'contacts'];
    const contacts = read.object(entry.contacts, contactsPath);
    read.onlyKeys(contacts, contactsPath, contactKeys);
    const email = read.string(contacts.email, [...contactsPath, 'email']).trim();
    if (!emailPattern.test(email)) read.fail([...contactsPath, 'email'], `${quoted(email)} is not an e-mail address`);
    const language = contacts.language === undefined ? 'en' : read.oneOf(contacts.language, [...contactsPath, 'language'], reportLanguages);
    return { id, name: read.string(entry.name, [...path, 'name']), contacts: { email, language }, ranges, customerIds };
  });
}

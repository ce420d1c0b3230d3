/**
 * The allowlist of popular destinations (allowlist.yaml beside this file, or an operator's own
 * file): resolvers, time servers, CDNs and update services that are never C&C candidates.
 * Validated at load with file:line errors (CONFIG_INVALID), so a typo fails at start-up instead
 * of letting 8.8.8.8 become a "C&C server" every bot contacts.
 */
import { fileURLToPath } from 'node:url';
import { parseAddress, parsePrefix, type ParsedRange } from '../attribution/address.ts';
import { createFieldReader, readDataFile, type DataFile, type DataPath } from '../core/data-file.ts';

/** Path of the list shipped with opennotice. */
export const shippedAllowlistFile = fileURLToPath(new URL('./allowlist.yaml', import.meta.url));

export type AllowedPurpose = 'resolver' | 'ntp' | 'cdn' | 'update';
const purposes: readonly AllowedPurpose[] = ['resolver', 'ntp', 'cdn', 'update'];

export interface AllowedDestination {
  name: string;
  purpose: AllowedPurpose;
  /** The public page the addresses or names come from (https). */
  source: string;
  /** CIDRs, IPv4 or IPv6, host bits clear. */
  ranges: string[];
  /** Lower-case domains; a name equal to one or under it is allowed. */
  domains: string[];
}

/** Answers "is this endpoint a popular destination?" for the detector. */
export interface Allowlist {
  /** The destination that allows this address or domain, if any. */
  match(endpoint: string): AllowedDestination | undefined;
}

const rootKeys = ['version', 'destinations'] as const;
const destinationKeys = ['name', 'purpose', 'source', 'note', 'ranges', 'domains'] as const;
const domainPattern = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/**
 * Load and validate an allowlist file (the shipped one by default).
 * @example loadAllowlist().match('8.8.8.8')?.name // 'Google Public DNS'
 */
export function loadAllowlist(file: string = shippedAllowlistFile): Allowlist {
  return createAllowlist(allowedDestinationsFromDataFile(readDataFile(file, 'CONFIG_INVALID')));
}

/**
 * Validate a parsed allowlist: known keys, an https source, at least one range or domain,
 * CIDRs with host bits clear, domains in lower case without a trailing dot.
 * @example allowedDestinationsFromDataFile(parseDataFile(text, 'mine.yaml', 'CONFIG_INVALID'))
 */
export function allowedDestinationsFromDataFile(dataFile: DataFile): AllowedDestination[] {
  const read = createFieldReader(dataFile, 'CONFIG_INVALID');
  const root = read.object(dataFile.data, []);
  read.onlyKeys(root, [], rootKeys);
  if (root.version !== 1) read.fail(['version'], `expected version: 1, got ${JSON.stringify(root.version)}`);
  return read.list(root.destinations, ['destinations']).map((raw, index) => {
    const path: DataPath = ['destinations', index];
    const fields = read.object(raw, path);
    read.onlyKeys(fields, path, destinationKeys);
    const name = read.string(fields.name, [...path, 'name']).trim();
    const purpose = read.string(fields.purpose, [...path, 'purpose']) as AllowedPurpose;
    if (!purposes.includes(purpose)) read.fail([...path, 'purpose'], `expected one of ${purposes.join(', ')}, got "${purpose}"`);
    const source = read.string(fields.source, [...path, 'source']).trim();
    if (!/^https:\/\/[^\s/]+\.[^\s/]+/.test(source)) read.fail([...path, 'source'], `expected the https:// address of the public page, got "${source}"`);
    const ranges = (fields.ranges === undefined ? [] : read.list(fields.ranges, [...path, 'ranges'])).map((item, rangeIndex) => {
      const rangePath = [...path, 'ranges', rangeIndex];
      const text = read.string(item, rangePath).trim();
      const prefix = text.includes('/') ? parsePrefix(text) : undefined;
      if (!prefix) return read.fail(rangePath, `expected a CIDR such as 192.0.2.0/24, got "${text}"`);
      if (prefix.hostBitsSet) read.fail(rangePath, `${text} has host bits set (a typo for a network?)`);
      return text;
    });
    const domains = (fields.domains === undefined ? [] : read.list(fields.domains, [...path, 'domains'])).map((item, domainIndex) => {
      const text = read.string(item, [...path, 'domains', domainIndex]).trim();
      if (!domainPattern.test(text)) read.fail([...path, 'domains', domainIndex], `expected a lower-case domain without a trailing dot, got "${text}"`);
      return text;
    });
    if (ranges.length === 0 && domains.length === 0) read.fail(path, 'names neither a range nor a domain');
    return { name, purpose, source, ranges, domains };
  });
}

/**
 * The matcher over validated destinations. Lists are short (tens of entries) and the detector
 * asks once per distinct endpoint, not per flow, so a scan of the ranges is enough.
 * @example createAllowlist([{ name: 'NTP', purpose: 'ntp', source: 'https://x.example/', ranges: [], domains: ['pool.ntp.org'] }]).match('0.jp.pool.ntp.org')
 */
export function createAllowlist(destinations: readonly AllowedDestination[]): Allowlist {
  const ranges: Array<{ range: ParsedRange; destination: AllowedDestination }> = destinations.flatMap((destination) =>
    destination.ranges.map((text) => ({ range: parsePrefix(text) as ParsedRange, destination })),
  );
  const byDomain = new Map(destinations.flatMap((destination) => destination.domains.map((domain) => [domain, destination] as const)));
  return {
    match(endpoint) {
      const address = parseAddress(endpoint);
      if (address) {
        return ranges.find(({ range }) => range.family === address.family && address.first >= range.first && address.first <= range.last)?.destination;
      }
      // A domain is allowed when it or one of its parents is listed: a.b.pool.ntp.org → pool.ntp.org.
      const labels = endpoint.toLowerCase().replace(/\.$/, '').split('.');
      for (let start = 0; start < labels.length - 1; start++) {
        const found = byDomain.get(labels.slice(start).join('.'));
        if (found) return found;
      }
      return undefined;
    },
  };
}

/**
 * The shipped list of well-known research scanners (research-scanners.yaml beside this file):
 * who they are, the public page each range comes from, and the ranges. Validated at load, with
 * file:line errors (CONFIG_INVALID), so a typo in a range fails at start-up instead of turning
 * a researcher into a bot. The matcher itself is research-list.ts.
 */
import { fileURLToPath } from 'node:url';
import { createFieldReader, readDataFile, type DataFile, type DataPath } from '../../core/data-file.ts';
import { readDefaultBlocklist } from '../../scope/cidr-file.ts';
import { AddressSpace } from '../../scope/address-space.ts';
import { AddressSet, cidrToRange, formatCidr, parseCidr } from '../../scope/cidr.ts';
import { parseIPv6 } from '../../scope/ipv6.ts';

/** Path of the list shipped with opennotice. */
export const shippedResearchScannersFile = fileURLToPath(new URL('./research-scanners.yaml', import.meta.url));

export interface ResearchScanner {
  organisation: string;
  /** The public page the ranges come from (https). */
  source: string;
  /** CIDRs, IPv4 or IPv6, host bits clear. */
  ranges: string[];
  note?: string;
  /** Where the entry is, for messages. */
  file: string;
  line: number;
}

const rootKeys = ['version', 'scanners'] as const;
const scannerKeys = ['organisation', 'source', 'note', 'ranges'] as const;

/**
 * Load and validate a research-scanner file (the shipped one by default).
 * @example researchRangesOf(loadResearchScanners()) // ['162.142.125.0/24', …]
 */
export function loadResearchScanners(file: string = shippedResearchScannersFile): ResearchScanner[] {
  return researchScannersFromDataFile(readDataFile(file, 'CONFIG_INVALID'));
}

/** Every range of the list, in file order. */
export function researchRangesOf(scanners: readonly ResearchScanner[]): string[] {
  return scanners.flatMap((scanner) => scanner.ranges);
}

/**
 * Validate an already-parsed research-scanner file. Besides the shape: each range must be a
 * CIDR with its host bits clear (a "/24" written on a host address is a typo), no IPv4 range
 * may lie in reserved or documentation space (the default blocklist: those are never real
 * scanners, and 203.0.113.0/24 is the lab's), and no two ranges may overlap.
 * @example researchScannersFromDataFile(parseDataFile(text, 'mine.yaml', 'CONFIG_INVALID'))
 */
export function researchScannersFromDataFile(dataFile: DataFile): ResearchScanner[] {
  const read = createFieldReader(dataFile, 'CONFIG_INVALID');
  const root = read.object(dataFile.data, []);
  read.onlyKeys(root, [], rootKeys);
  if (root.version !== 1) read.fail(['version'], `expected version: 1, got ${JSON.stringify(root.version)}`);
  const rawScanners = read.list(root.scanners, ['scanners']);
  if (rawScanners.length === 0) read.fail(['scanners'], 'the list names no scanner');

  const reserved = AddressSpace.fromCidrs(readDefaultBlocklist().map((entry) => entry.cidr)).v4;
  const seen: Array<{ range: string; prefix: Prefix; organisation: string; path: DataPath }> = [];
  return rawScanners.map((raw, index) => {
    const path: DataPath = ['scanners', index];
    const fields = read.object(raw, path);
    read.onlyKeys(fields, path, scannerKeys);
    const organisation = read.string(fields.organisation, [...path, 'organisation']).trim();
    const source = read.string(fields.source, [...path, 'source']).trim();
    if (!/^https:\/\/[^\s/]+\.[^\s/]+/.test(source))
      read.fail([...path, 'source'], `expected the https:// address of the public page the ranges come from, got "${source}"`);
    const note = fields.note === undefined ? undefined : read.string(fields.note, [...path, 'note']).trim();
    const rawRanges = read.list(fields.ranges, [...path, 'ranges']);
    if (rawRanges.length === 0) read.fail([...path, 'ranges'], 'no range given');
    const ranges = rawRanges.map((item, rangeIndex) => {
      const rangePath = [...path, 'ranges', rangeIndex];
      const text = read.string(item, rangePath).trim();
      const parsed = text.includes(':') ? ipv6Prefix(text) : ipv4Prefix(text);
      if ('problem' in parsed) return read.fail(rangePath, parsed.problem);
      if (parsed.v4 && parsed.v4.intersect(reserved).size > 0)
        read.fail(rangePath, `${text} lies in reserved or documentation address space (src/scope/default-blocklist.conf), where no real scanner is`);
      const clash = seen.find((other) => overlaps(other.prefix, parsed));
      if (clash)
        read.fail(rangePath, `${text} overlaps ${clash.range} of ${clash.organisation} (line ${dataFile.lineOf(clash.path) ?? '?'}): list each address once`);
      seen.push({ range: text, prefix: parsed, organisation, path: rangePath });
      return text;
    });
    return { organisation, source, ranges, ...(note ? { note } : {}), file: dataFile.file, line: dataFile.lineOf(path) ?? 0 };
  });
}

type Prefix = { v4: AddressSet; v6?: undefined } | { v6: { network: bigint; last: bigint }; v4?: undefined };

function ipv4Prefix(text: string): Prefix | { problem: string } {
  if (!text.includes('/')) return { problem: `"${text}" is not a CIDR (write ${text}/32 for one address)` };
  try {
    const cidr = parseCidr(text);
    if (formatCidr(cidr) !== text) return { problem: `write "${formatCidr(cidr)}", not "${text}"` };
    return { v4: AddressSet.fromRanges([cidrToRange(cidr)]) };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}

function ipv6Prefix(text: string): Prefix | { problem: string } {
  const [address = '', lengthText, extra] = text.split('/');
  const value = parseIPv6(address);
  const length = Number(lengthText);
  if (value === undefined || extra !== undefined || lengthText === undefined || !Number.isInteger(length) || length < 0 || length > 128)
    return { problem: `"${text}" is not an IPv6 CIDR (expected e.g. 2001:db8::/32)` };
  const hostMask = (1n << BigInt(128 - length)) - 1n;
  if ((value & hostMask) !== 0n) return { problem: `"${text}" has host bits set after /${length}` };
  return { v6: { network: value, last: value | hostMask } };
}

function overlaps(a: Prefix, b: Prefix): boolean {
  if (a.v4 && b.v4) return a.v4.intersect(b.v4).size > 0;
  if (a.v6 && b.v6) return a.v6.network <= b.v6.last && b.v6.network <= a.v6.last;
  return false;
}

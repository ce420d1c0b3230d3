/**
 * The UDP source ports of amplification reflectors (reflector-ports.yaml, with the reason and
 * the sources for each). A datagram from one of them to a darknet address is a reply to a
 * request the darknet never sent: DRDoS backscatter. The classifier and the attack tracker
 * read the shipped list, loaded once when this module is imported (it is data that ships with
 * the code, like the classifier's fingerprints, and is never changed at run time).
 */
import { fileURLToPath } from 'node:url';
import { createFieldReader, readDataFile, type DataFile } from '../../core/data-file.ts';

export interface ReflectorPort {
  port: number;
  /** Protocol name shown in the attack statistics (unique). */
  name: string;
  why: string;
  /** Keys of `ReflectorPortList.sources`. */
  sources: string[];
}

export interface ReflectorPortList {
  /** Source key → citation. */
  sources: ReadonlyMap<string, string>;
  /** Ascending by port. */
  reflectors: readonly ReflectorPort[];
  /** Index into `reflectors` of the reflector on `port`, or -1 (a table lookup: the hot path calls it per packet). */
  indexOf(port: number): number;
}

export const defaultReflectorPortsFile = fileURLToPath(new URL('./reflector-ports.yaml', import.meta.url));

const namePattern = /^[a-z][a-z0-9-]*$/;

/**
 * Load and check a reflector port list; any mistake is a CONFIG_INVALID error naming the file and line.
 * @example loadReflectorPorts().reflectors.map((entry) => entry.name) // ['qotd', 'chargen', 'dns', …]
 */
export function loadReflectorPorts(file: string = defaultReflectorPortsFile): ReflectorPortList {
  return validateReflectorPorts(readDataFile(file, 'CONFIG_INVALID'));
}

/**
 * Check a parsed reflector port list.
 * @example validateReflectorPorts(parseDataFile(text, 'mine.yaml', 'CONFIG_INVALID')).indexOf(123) // index of ntp
 */
export function validateReflectorPorts(dataFile: DataFile): ReflectorPortList {
  const read = createFieldReader(dataFile, 'CONFIG_INVALID');
  const root = read.object(dataFile.data, []);
  read.onlyKeys(root, [], ['version', 'sources', 'reflectors']);
  if (root.version !== 1) read.fail(['version'], `unsupported version ${JSON.stringify(root.version)} (expected 1)`);
  const rawSources = read.object(root.sources, ['sources']);
  const sources = new Map(Object.entries(rawSources).map(([key, value]) => [key, read.string(value, ['sources', key])]));
  const ports = new Set<number>();
  const names = new Set<string>();
  const reflectors = read.list(root.reflectors, ['reflectors']).map((raw, index): ReflectorPort => {
    const path = ['reflectors', index];
    const fields = read.object(raw, path);
    read.onlyKeys(fields, path, ['port', 'name', 'why', 'sources']);
    const port = read.number(fields.port, [...path, 'port'], { min: 1, max: 65535 });
    if (!Number.isInteger(port)) read.fail([...path, 'port'], `${port} is not a port number`);
    if (ports.has(port)) read.fail([...path, 'port'], `port ${port} is listed twice`);
    ports.add(port);
    const name = read.string(fields.name, [...path, 'name']);
    if (!namePattern.test(name)) read.fail([...path, 'name'], `"${name}" is not a protocol name (lower-case letters, digits, "-")`);
    if (names.has(name)) read.fail([...path, 'name'], `name "${name}" is used twice`);
    names.add(name);
    const cited = read.list(fields.sources, [...path, 'sources']).map((key, at) => read.string(key, [...path, 'sources', at]));
    if (cited.length === 0) read.fail([...path, 'sources'], 'every reflector needs at least one source');
    for (const [at, key] of cited.entries())
      if (!sources.has(key)) read.fail([...path, 'sources', at], `unknown source "${key}" (known: ${[...sources.keys()].join(', ')})`);
    return { port, name, why: read.string(fields.why, [...path, 'why']), sources: cited };
  });
  // 255 protocols at most: the lookup table holds index + 1 in a byte.
  if (reflectors.length > 255) read.fail(['reflectors'], `at most 255 reflectors, got ${reflectors.length}`);
  reflectors.sort((a, b) => a.port - b.port);
  const table = new Uint8Array(65_536);
  for (const [index, entry] of reflectors.entries()) table[entry.port] = index + 1;
  return { sources, reflectors, indexOf: (port) => (port >= 0 && port < 65_536 ? table[port]! - 1 : -1) };
}

/** The shipped list (src/darknet/classify/reflector-ports.yaml). */
export const shippedReflectorPorts: ReflectorPortList = loadReflectorPorts();

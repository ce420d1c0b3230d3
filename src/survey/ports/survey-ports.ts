/**
 * The ports a survey covers when neither the command line nor the plan names any: the IoT
 * ports that public scan reports and botnet studies point at, each with its reason and
 * sources (survey-ports.yaml; docs/formats.md shows them). Detection decides what answers on
 * each port; the `service` column only says what is usually there.
 */
import { fileURLToPath } from 'node:url';
import { createFieldReader, readDataFile, type DataFile } from '../../core/data-file.ts';

export interface SurveyPort {
  port: number;
  /** The service usually found there (a protocol name, or a service we detect but have no protocol for). */
  service: string;
  why: string;
  /** Keys of `SurveyPortList.sources`. */
  sources: string[];
}

export interface SurveyPortList {
  /** Source key → citation. */
  sources: ReadonlyMap<string, string>;
  /** Ascending by port. */
  ports: SurveyPort[];
}

export const defaultSurveyPortsFile = fileURLToPath(new URL('./survey-ports.yaml', import.meta.url));

const servicePattern = /^[a-z][a-z0-9-]*$/;

/**
 * Load and check a survey port list; any mistake is a CONFIG_INVALID error naming the file and line.
 * @example loadSurveyPorts().ports.map((entry) => entry.port) // [21, 22, 23, 80, …]
 */
export function loadSurveyPorts(file: string = defaultSurveyPortsFile): SurveyPortList {
  return validateSurveyPorts(readDataFile(file, 'CONFIG_INVALID'));
}

export function validateSurveyPorts(dataFile: DataFile): SurveyPortList {
  const read = createFieldReader(dataFile, 'CONFIG_INVALID');
  const root = read.object(dataFile.data, []);
  read.onlyKeys(root, [], ['version', 'sources', 'ports']);
  if (root.version !== 1) read.fail(['version'], `unsupported version ${JSON.stringify(root.version)} (expected 1)`);
  const rawSources = read.object(root.sources, ['sources']);
  const sources = new Map(Object.entries(rawSources).map(([key, value]) => [key, read.string(value, ['sources', key])]));
  const seen = new Set<number>();
  const ports = read.list(root.ports, ['ports']).map((raw, index): SurveyPort => {
    const path = ['ports', index];
    const fields = read.object(raw, path);
    read.onlyKeys(fields, path, ['port', 'service', 'why', 'sources']);
    const port = read.number(fields.port, [...path, 'port'], { min: 1, max: 65535 });
    if (!Number.isInteger(port)) read.fail([...path, 'port'], `${port} is not a port number`);
    if (seen.has(port)) read.fail([...path, 'port'], `port ${port} is listed twice`);
    seen.add(port);
    const service = read.string(fields.service, [...path, 'service']);
    if (!servicePattern.test(service)) read.fail([...path, 'service'], `"${service}" is not a service name (lower-case letters, digits, "-")`);
    const cited = read.list(fields.sources, [...path, 'sources']).map((key, at) => read.string(key, [...path, 'sources', at]));
    if (cited.length === 0) read.fail([...path, 'sources'], 'every port needs at least one source');
    for (const [at, key] of cited.entries())
      if (!sources.has(key)) read.fail([...path, 'sources', at], `unknown source "${key}" (known: ${[...sources.keys()].join(', ')})`);
    return { port, service, why: read.string(fields.why, [...path, 'why']), sources: cited };
  });
  if (ports.length === 0) read.fail(['ports'], 'the list has no ports');
  return { sources, ports: ports.sort((a, b) => a.port - b.port) };
}

/**
 * The default survey ports: the list's and every port a protocol of the registry claims as a default, ascending.
 * @example defaultPortsFor(shippedProtocols.defaultSurveyPorts) // [21, 22, 23, 80, 81, …]
 */
export function defaultPortsFor(protocolDefaults: readonly number[], list: SurveyPortList = loadSurveyPorts()): number[] {
  return [...new Set([...list.ports.map((entry) => entry.port), ...protocolDefaults])].sort((a, b) => a - b);
}

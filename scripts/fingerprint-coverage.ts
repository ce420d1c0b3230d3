// How much of Recog's device knowledge our identification reproduces: for each Recog database
// relevant to IoT, every example string of a fingerprint that names a device is turned into
// the grab result our grabber would record (src/identify/recog/grab-view.ts), identified, and
// counted when the identity has Recog's vendor and product — once with our shipped rules
// alone, once with Recog's databases loaded beside them (as `--rules DIR` loads them). That
// table, and the list of vendors the shipped rules name, sit between marker comments in
// docs/fingerprints.md.
//
//   node scripts/fingerprint-coverage.ts [RECOG_XML_DIR]           rewrite the table
//   node scripts/fingerprint-coverage.ts --check [RECOG_XML_DIR]   exit 1 when it is out of date
//   node scripts/fingerprint-coverage.ts --misses [RECOG_XML_DIR]  list the examples our rules miss
//
// RECOG_XML_DIR defaults to ../shared/data/recog/xml beside the checkout.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DeviceIdentity, ServiceObservation } from '../src/core/records.ts';
import { createRankedIdentifier } from '../src/identify/precedence.ts';
import { recogMappingOf } from '../src/identify/recog/grab-view.ts';
import { recogDeviceTypes, recogExampleText } from '../src/identify/recog/import.ts';
import { parseXml, type XmlElement } from '../src/identify/recog/xml.ts';
import type { Identifier } from '../src/identify/engine.ts';
import { defaultRulesDirectory, loadRuleFiles, ruleFilesIn } from '../src/identify/rule-loader.ts';
import type { RuleSet } from '../src/identify/rule-types.ts';
import { loadRuleSources, rulePathSources } from '../src/identify/rule-sources.ts';
import type { ProtocolRegistry } from '../src/protocols/registry.ts';
import { shippedProtocols } from '../src/protocols/registry.ts';

/** The Recog databases whose text IoT devices send on the services we survey, in table order. */
export const coverageDatabases: ReadonlyArray<{ file: string; label: string }> = [
  { file: 'http_wwwauth.xml', label: 'HTTP WWW-Authenticate' },
  { file: 'http_servers.xml', label: 'HTTP Server, UPnP included' },
  { file: 'html_title.xml', label: 'HTML titles' },
  { file: 'http_cookies.xml', label: 'HTTP cookies' },
  { file: 'telnet_banners.xml', label: 'telnet banners' },
  { file: 'ssh_banners.xml', label: 'SSH banners' },
  { file: 'ftp_banners.xml', label: 'FTP banners' },
  { file: 'rtsp_servers.xml', label: 'RTSP Server' },
];

/** One example of a device fingerprint, with what Recog says it is. */
export interface DeviceExample {
  database: string;
  /** Line of the example in the XML file. */
  line: number;
  text: string;
  vendor: string;
  /** hw.product (or hw.model) when Recog states one for this example. */
  product?: string;
}

/**
 * The examples of every fingerprint that names a device: `hw.vendor`, or the `os.vendor` of a
 * device's own OS (hw.device / os.device a kind our identities have, as the importer reads it).
 * An example's own attributes give the values of captured params.
 * @example deviceExamples(parseXml(xml, 'http_wwwauth.xml'), 'http_wwwauth.xml')[0] // { vendor: 'Cisco', text: 'Basic realm="access"', … }
 */
export function deviceExamples(root: XmlElement, database: string): DeviceExample[] {
  const examples: DeviceExample[] = [];
  for (const fingerprint of root.children.filter((child) => child.name === 'fingerprint')) {
    const constants = new Map<string, string>();
    for (const param of fingerprint.children.filter((child) => child.name === 'param')) {
      if ((param.attributes.pos ?? '0') === '0') constants.set(param.attributes.name, param.attributes.value ?? '');
    }
    for (const example of fingerprint.children.filter((child) => child.name === 'example')) {
      const value = (name: string) => (Object.hasOwn(example.attributes, name) ? example.attributes[name] : constants.get(name));
      const device = value('hw.device') ?? value('os.device') ?? '';
      const vendor = fill(value('hw.vendor') ?? (Object.hasOwn(recogDeviceTypes, device) ? value('os.vendor') : undefined), value);
      if (!vendor) continue;
      const product = fill(value('hw.product') ?? value('hw.model'), value);
      examples.push({ database, line: example.line, text: recogExampleText(example), vendor, ...(product ? { product } : {}) });
    }
  }
  return examples;
}

/** Recog values may name other params ("{service.vendor}"); unresolved, the value says nothing. */
function fill(text: string | undefined, value: (name: string) => string | undefined): string | undefined {
  const filled = text?.replace(/\{([\w.]+)\}/g, (whole, name: string) => value(name) ?? whole);
  return filled === undefined || /\{[\w.]+\}/.test(filled) || filled.trim() === '' ? undefined : filled;
}

/** Lower-case letters and digits only: "TP-LINK" and "TP-Link", "Fuji Xerox" and "FUJI XEROX" are one vendor. */
const squash = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');
/** One company under two names (a rename, a maker's brand for its printers); ours → Recog's spelling. */
const vendorAliases: Readonly<Record<string, string>> = {
  hewlettpackard: 'hp',
  kyoceramita: 'kyocera',
  hanwhavision: 'hanwhatechwin',
  smasolartechnologyag: 'sma',
};
const vendorKey = (vendor: string) => vendorAliases[squash(vendor)] ?? squash(vendor);
const words = (text: string) => text.toLowerCase().match(/[a-z0-9]+/g) ?? [];

/**
 * True when `inner` names `outer` or a part of it: its words in a row among outer's
 * ("WR841N" in "Wireless N Router WR841N"), where a word may also start or end where letters
 * turn to digits ("e-STUDIO" in "e-STUDIO500S", "722V" in "W722V") or end before a hardware
 * revision ("WNR2000" in "WNR2000v5") — but "R7000" is not in "R7000P".
 */
function wordsWithin(inner: string, outer: string): boolean {
  // Letters, digits and spaces only: nothing in the needle needs escaping.
  const needle = words(inner).join(' ');
  if (needle.length === 0) return false;
  return new RegExp(`(?:^| |(?<=[a-z])(?=[0-9]))${needle}(?=$| |(?<=[a-z])[0-9]|v[0-9]+(?: |$))`).test(words(outer).join(' '));
}

/**
 * Whether an identity is what Recog says: the same vendor (spelling aside), and when Recog
 * names a product, a model that names it too (one's words within the other's: our "WR841N"
 * is Recog's "Wireless N Router WR841N", our "ReadyNAS 104" its "ReadyNAS").
 * @example sameDevice({ vendor: 'TP-Link', model: 'WR841N', … }, { vendor: 'TP-LINK', product: 'Wireless N Router WR841N', … }) // true
 */
export function sameDevice(identity: DeviceIdentity | undefined, expected: Pick<DeviceExample, 'vendor' | 'product'>): boolean {
  if (identity?.vendor === undefined || vendorKey(identity.vendor) !== vendorKey(expected.vendor)) return false;
  if (expected.product === undefined) return true;
  return identity.model !== undefined && (wordsWithin(identity.model, expected.product) || wordsWithin(expected.product, identity.model));
}

export interface CoverageRow {
  database: string;
  label: string;
  /** Recog's `matches` value. */
  matches: string;
  /** Where our grabbers record that text, or undefined when no grabber of ours does (yet). */
  readBy?: string;
  examples: number;
  ours: number;
  withRecog: number;
}

export interface CoverageIdentifiers {
  ours: Identifier;
  withRecog: Identifier;
}

/**
 * The identifiers compared: our shipped rules alone, and with every Recog database of the folder loaded.
 * @example coverageIdentifiers('../shared/data/recog/xml')
 */
export function coverageIdentifiers(recogDirectory: string, registry: ProtocolRegistry = shippedProtocols): CoverageIdentifiers {
  const ruleFiles = ruleFilesIn(defaultRulesDirectory);
  return {
    ours: createRankedIdentifier(loadRuleSources({ ruleFiles, recogFiles: [] }, registry.fieldTables)),
    withRecog: createRankedIdentifier(loadRuleSources({ ruleFiles, recogFiles: rulePathSources([recogDirectory]).recogFiles }, registry.fieldTables)),
  };
}

/**
 * Count, for one database, the device examples each identifier gets right; `onMiss` hears the examples our rules miss.
 * @example measureDatabase(xml, 'ftp_banners.xml', 'FTP banners', coverageIdentifiers(dir))
 */
export function measureDatabase(
  xml: string,
  database: string,
  label: string,
  identifiers: CoverageIdentifiers,
  registry: ProtocolRegistry = shippedProtocols,
  onMiss?: (example: DeviceExample, identity: DeviceIdentity | undefined) => void,
): CoverageRow {
  const root = parseXml(xml, database);
  const examples = deviceExamples(root, database);
  const { matches, mapping } = recogMappingOf(root.attributes);
  const readable = mapping !== undefined && registry.fieldTables.has(mapping.protocol);
  const row: CoverageRow = { database, label, matches, examples: examples.length, ours: 0, withRecog: 0 };
  if (!mapping || !readable) return row;
  row.readBy = `${mapping.protocol} ${mapping.fields.map((field) => `\`${field}\``).join(' / ')}`;
  for (const example of examples) {
    const observation: ServiceObservation = {
      ip: '192.0.2.1',
      port: 0,
      protocol: mapping.protocol,
      status: 'success',
      result: mapping.grabOf(example.text),
      durationMs: 0,
      observedAt: '1970-01-01T00:00:00.000Z',
    };
    const ours = identifiers.ours.identify(observation.ip, [observation]);
    if (sameDevice(ours, example)) row.ours++;
    else onMiss?.(example, ours);
    if (sameDevice(identifiers.withRecog.identify(observation.ip, [observation]), example)) row.withRecog++;
  }
  return row;
}

/**
 * Every database of `coverageDatabases` found in the folder, measured.
 * @example measureCoverage('../shared/data/recog/xml')
 */
export function measureCoverage(
  recogDirectory: string,
  onMiss?: (example: DeviceExample, identity: DeviceIdentity | undefined) => void,
  registry: ProtocolRegistry = shippedProtocols,
): CoverageRow[] {
  const identifiers = coverageIdentifiers(recogDirectory, registry);
  return coverageDatabases.map(({ file, label }) =>
    measureDatabase(readFileSync(join(recogDirectory, file), 'utf8'), file, label, identifiers, registry, onMiss),
  );
}

const share = (count: number, total: number) => (total === 0 ? '—' : `${((100 * count) / total).toFixed(1)} % (${count})`);

/**
 * The Markdown table, with a total over the databases our grabbers read.
 * @example renderCoverageTable(measureCoverage(dir))
 */
export function renderCoverageTable(rows: readonly CoverageRow[]): string {
  const read = rows.filter((row) => row.readBy !== undefined);
  const total = (key: 'examples' | 'ours' | 'withRecog') => read.reduce((sum, row) => sum + row[key], 0);
  return [
    '| Recog database | what it matches | read by | device examples | our rules alone | with Recog loaded |',
    '|---|---|---|---|---|---|',
    ...rows.map((row) =>
      row.readBy === undefined
        ? `| \`${row.database}\` (${row.label}) | \`${row.matches}\` | no grabber of ours yet | ${row.examples} | — | — |`
        : `| \`${row.database}\` (${row.label}) | \`${row.matches}\` | ${row.readBy} | ${row.examples} | ${share(row.ours, row.examples)} | ${share(row.withRecog, row.examples)} |`,
    ),
    `| **all read by our grabbers** | | | **${total('examples')}** | **${share(total('ours'), total('examples'))}** | **${share(total('withRecog'), total('examples'))}** |`,
  ].join('\n');
}

/**
 * The vendors the shipped rules name, by rule file: a table for the docs.
 * @example renderVendorTable(loadRuleFiles())
 */
export function renderVendorTable(ruleSet: RuleSet): string {
  const byFile = new Map<string, Set<string>>();
  for (const rule of ruleSet.rules) {
    if (rule.sets.vendor === undefined) continue;
    const file = basename(rule.source.file);
    byFile.set(file, (byFile.get(file) ?? new Set()).add(rule.sets.vendor));
  }
  const all = new Set([...byFile.values()].flatMap((vendors) => [...vendors]));
  const sorted = (vendors: Iterable<string>) => [...vendors].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' }));
  return [
    `${all.size} vendors are named by the shipped rules (some in more than one file):`,
    '',
    '| rule file | vendors |',
    '|---|---|',
    ...[...byFile].sort(([a], [b]) => a.localeCompare(b)).map(([file, vendors]) => `| \`${file}\` | ${sorted(vendors).join(', ')} |`),
  ].join('\n');
}

/**
 * The document with the generated text between its markers (<!-- coverage:NAME --> …) replaced; throws when they are missing.
 * @example withGeneratedText(readFileSync('docs/fingerprints.md', 'utf8'), 'recog', table)
 */
export function withGeneratedText(text: string, name: string, content: string): string {
  const begin = `<!-- coverage:${name} -->`;
  const end = `<!-- /coverage:${name} -->`;
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`docs/fingerprints.md: the markers ${begin} … ${end} are missing`);
  return `${text.slice(0, from + begin.length)}\n${content}\n${text.slice(to)}`;
}

/**
 * The document with both generated tables brought up to date.
 * @example updatedDocument(readFileSync(documentPath, 'utf8'), defaultRecogDirectory)
 */
export function updatedDocument(text: string, recogDirectory: string): string {
  const withRecogTable = withGeneratedText(text, 'recog', renderCoverageTable(measureCoverage(recogDirectory)));
  return withGeneratedText(withRecogTable, 'vendors', renderVendorTable(loadRuleFiles(ruleFilesIn(defaultRulesDirectory))));
}

const root = fileURLToPath(new URL('..', import.meta.url));
export const documentPath = join(root, 'docs/fingerprints.md');
export const defaultRecogDirectory = fileURLToPath(new URL('../../shared/data/recog/xml/', import.meta.url));

if (import.meta.url === `file://${process.argv[1]}`) {
  const argument = process.argv.slice(2).find((arg) => !arg.startsWith('--'));
  const directory = argument ?? defaultRecogDirectory;
  if (!existsSync(directory)) {
    process.stderr.write(`no Recog databases at ${directory}: give the folder of Recog's xml files\n`);
    process.exit(2);
  }
  if (process.argv.includes('--misses')) {
    measureCoverage(directory, (example, identity) =>
      process.stdout.write(
        `${example.database}:${example.line}\t${example.vendor}${example.product ? ` / ${example.product}` : ''}\t${JSON.stringify(example.text.slice(0, 100))}\t→ ${identity?.vendor ? `${identity.vendor} / ${identity.model ?? '—'}` : 'none'}\n`,
      ),
    );
  } else {
    const text = readFileSync(documentPath, 'utf8');
    const updated = updatedDocument(text, directory);
    if (process.argv.includes('--check')) {
      process.stdout.write(
        updated === text ? 'coverage tables up to date\n' : 'out of date: docs/fingerprints.md (run node scripts/fingerprint-coverage.ts)\n',
      );
      process.exitCode = updated === text ? 0 : 1;
    } else {
      writeFileSync(documentPath, updated);
      process.stdout.write('wrote the coverage tables into docs/fingerprints.md\n');
    }
  }
}

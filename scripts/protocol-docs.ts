// The docs' protocol tables, rendered from the protocol registry so they cannot drift from it:
// the protocols with their transports and ports (docs/architecture.md) and the fields
// identification rules may read (docs/fingerprints.md), and the default survey ports with their
// reasons (docs/formats.md, from src/survey/ports/survey-ports.yaml). Each table sits between
// marker comments in its document.
//
//   node scripts/protocol-docs.ts          rewrite the tables
//   node scripts/protocol-docs.ts --check  exit 1 when a table is out of date (the test does this)
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FieldShape } from '../src/protocols/protocol.ts';
import { shippedProtocols, type ProtocolRegistry } from '../src/protocols/registry.ts';
import { loadSurveyPorts } from '../src/survey/ports/survey-ports.ts';

export interface GeneratedTable {
  /** Document, relative to the repository root. */
  file: string;
  /** Name in the markers: <!-- protocols:NAME --> … <!-- /protocols:NAME --> */
  name: string;
  render(registry: ProtocolRegistry): string;
}

const ports = (list: readonly number[]) => (list.length > 0 ? list.join(', ') : '—');

/** A field and, for objects and header maps, the paths a rule writes. */
function fieldPaths(name: string, shape: FieldShape): string[] {
  if (shape === 'header-map') return [`${name}.<lower-case name>`];
  if (typeof shape === 'object') return Object.entries(shape).flatMap(([inner, innerShape]) => fieldPaths(`${name}.${inner}`, innerShape));
  return [name];
}

function shapeWord(shape: FieldShape): string {
  if (shape === 'header-map') return 'header map';
  if (typeof shape === 'object') return 'object';
  return shape;
}

export const generatedTables: readonly GeneratedTable[] = [
  {
    file: 'docs/architecture.md',
    name: 'list',
    render: (registry) =>
      [
        '| protocol | transport | default ports | also taken on | login checked | what it is |',
        '|---|---|---|---|---|---|',
        ...registry.protocols.map(
          (protocol) =>
            `| ${protocol.name} | ${protocol.transport} | ${ports(protocol.defaultPorts)} | ${ports(protocol.otherPorts)} | ${protocol.credentials ? 'yes' : 'no'} | ${protocol.description} |`,
        ),
      ].join('\n'),
  },
  {
    file: 'docs/fingerprints.md',
    name: 'fields',
    render: (registry) =>
      [
        '| protocol | field | kind | what it holds |',
        '|---|---|---|---|',
        ...registry.protocols.flatMap((protocol) =>
          Object.entries(protocol.fields).map(
            ([field, shape]) =>
              `| ${protocol.name} | ${fieldPaths(field, shape)
                .map((path) => `\`${path}\``)
                .join(', ')} | ${shapeWord(shape)} | ${protocol.fieldNotes[field] ?? ''} |`,
          ),
        ),
      ].join('\n'),
  },
  {
    file: 'docs/formats.md',
    name: 'ports',
    render: (registry) => {
      const list = loadSurveyPorts();
      const cited = [...new Set(list.ports.flatMap((entry) => entry.sources))];
      const note = (key: string) => `[${cited.indexOf(key) + 1}]`;
      return [
        '| port | usually | first guess of detection | why it is surveyed | sources |',
        '|---|---|---|---|---|',
        ...list.ports.map(
          (entry) =>
            `| ${entry.port} | ${entry.service} | ${registry.forPort(entry.port)?.name ?? '— (probes)'} | ${entry.why} | ${entry.sources.map(note).join(' ')} |`,
        ),
        '',
        ...cited.map((key, index) => `${index + 1}. ${list.sources.get(key)}`),
      ].join('\n');
    },
  },
];

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * The document with its table replaced by a fresh rendering; throws when the markers are missing.
 * @example withTable(text, generatedTables[0], shippedProtocols)
 */
export function withTable(text: string, table: GeneratedTable, registry: ProtocolRegistry): string {
  const begin = `<!-- protocols:${table.name} -->`;
  const end = `<!-- /protocols:${table.name} -->`;
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${table.file}: the markers ${begin} … ${end} are missing`);
  return `${text.slice(0, from + begin.length)}\n${table.render(registry)}\n${text.slice(to)}`;
}

/** Documents whose tables differ from the registry. */
export function outdatedDocuments(registry: ProtocolRegistry = shippedProtocols): string[] {
  return generatedTables
    .filter((table) => {
      const text = readFileSync(`${root}/${table.file}`, 'utf8');
      return withTable(text, table, registry) !== text;
    })
    .map((table) => table.file);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes('--check')) {
    const outdated = outdatedDocuments();
    process.stdout.write(outdated.length === 0 ? 'protocol tables up to date\n' : `out of date: ${outdated.join(', ')} (run node scripts/protocol-docs.ts)\n`);
    process.exitCode = outdated.length === 0 ? 0 : 1;
  } else {
    for (const table of generatedTables) {
      const path = `${root}/${table.file}`;
      writeFileSync(path, withTable(readFileSync(path, 'utf8'), table, shippedProtocols));
    }
    process.stdout.write(`wrote the protocol tables into ${[...new Set(generatedTables.map((table) => table.file))].join(', ')}\n`);
  }
}

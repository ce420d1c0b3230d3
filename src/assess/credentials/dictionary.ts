import { fileURLToPath } from 'node:url';
import { createFieldReader, readDataFile, type DataFile } from '../../core/data-file.ts';
import { isTrivialPair } from './trivial.ts';
import { quoted } from '../../core/errors.ts';

/** Kinds of public source a pair may come from (docs/credentials.md says what each admits). */
export const dictionarySources = ['mirai', 'hajime', 'gafgyt', 'mirai-successor', 'vendor-manual', 'vendor-advisory', 'pattern'] as const;
export type DictionarySource = (typeof dictionarySources)[number];

/** Source kinds that are botnet dictionaries: how many carry a pair is its botnet frequency. */
export const botnetSources: readonly DictionarySource[] = ['mirai', 'hajime', 'gafgyt', 'mirai-successor'];
/** Source kinds that are a vendor's own word: an entry citing one names the vendors. */
export const vendorSources: readonly DictionarySource[] = ['vendor-manual', 'vendor-advisory'];

/** Likeliness tiers: 1 is tried first. Entries without a rank (an operator's own list) come last, in file order. */
export const dictionaryRanks = { first: 1, unranked: 9 } as const;

/** One pair of the shipped (or operator's) dictionary. */
export interface DictionaryEntry {
  /** Stable id used in findings and reports instead of the password, e.g. "on-017". */
  id: string;
  username: string;
  /** Empty string means "no password". */
  password: string;
  /** Vendors whose factory default this is (lower-case), used to try likely pairs first. */
  vendors: string[];
  /** Protocols the pair is known on; empty means any. */
  protocols: string[];
  /** Why the pair is allowed in the dictionary (policy category). */
  reason: 'factory-default' | 'botnet-dictionary' | 'trivial';
  /** Kinds of public source that list the pair; empty only in an operator's own list that does not say. */
  sources: DictionarySource[];
  /** Likeliness tier, 1 (most likely) to 9 (unranked); the survey tries lower ranks first. */
  rank: number;
}

/** Policy categories an entry may claim (docs/credentials.md explains each). */
export const dictionaryReasons = ['factory-default', 'botnet-dictionary', 'trivial'] as const satisfies readonly DictionaryEntry['reason'][];

/** Path of the dictionary shipped with opennotice. */
export const defaultDictionaryFile = fileURLToPath(new URL('./default-dictionary.yaml', import.meta.url));

const entryFields = ['id', 'username', 'password', 'reason', 'sources', 'rank', 'vendors', 'protocols', 'note'] as const;
const idPattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const protocolPattern = /^[a-z][a-z0-9-]*$/;

type FieldReader = ReturnType<typeof createFieldReader>;
type Path = Array<string | number>;

/**
 * Load and validate a credential dictionary (YAML or JSON). Any invalid entry is a
 * DICTIONARY_INVALID error naming the file and line, so an operator's own list fails at
 * start-up rather than half-way through a survey.
 * @example
 * const entries = loadDictionary();                       // the shipped default list
 * const mine = loadDictionary('/etc/opennotice/pairs.yaml');
 */
export function loadDictionary(file: string = defaultDictionaryFile): DictionaryEntry[] {
  return validateDictionary(readDataFile(file, 'DICTIONARY_INVALID'));
}

/**
 * Validate an already-parsed dictionary file (useful for text that is not on disk): fields
 * and their types, unique ids and pairs, known sources consistent with the reason (a botnet
 * reason cites a botnet list, a factory default a vendor source with its vendors, a trivial
 * pair passes the pattern rule of trivial.ts), ranks 1–9.
 * @example validateDictionary(parseDataFile(text, 'inline.yaml', 'DICTIONARY_INVALID'))
 */
export function validateDictionary(dataFile: DataFile): DictionaryEntry[] {
  const read = createFieldReader(dataFile, 'DICTIONARY_INVALID');
  const root = read.object(dataFile.data, []);
  read.onlyKeys(root, [], ['version', 'entries']);
  if (root.version !== undefined && root.version !== 1) read.fail(['version'], `unsupported version ${quoted(root.version)} (expected 1)`);
  const rawEntries = read.list(root.entries, ['entries']);
  if (rawEntries.length === 0) read.fail(['entries'], 'the dictionary has no entries');

  const seenIds = new Map<string, number>();
  const seenPairs = new Map<string, number>();
  return rawEntries.map((raw, index) => {
    const path: Path = ['entries', index];
    const fields = read.object(raw, path);
    read.onlyKeys(fields, path, entryFields);
    const id = read.string(fields.id, [...path, 'id']);
    if (!idPattern.test(id)) read.fail([...path, 'id'], `id ${quoted(id)} may only contain letters, digits, ".", "_" and "-"`);
    const firstIndex = seenIds.get(id);
    if (firstIndex !== undefined) read.fail([...path, 'id'], `duplicate id ${quoted(id)} (first used by entries[${firstIndex}])`);
    seenIds.set(id, index);
    if (fields.note !== undefined) read.string(fields.note, [...path, 'note'], { allowEmpty: true });
    const entry: DictionaryEntry = {
      id,
      username: readSecretText(read, fields.username, [...path, 'username'], false),
      password: readSecretText(read, fields.password, [...path, 'password'], true),
      reason: read.oneOf(fields.reason, [...path, 'reason'], dictionaryReasons),
      sources: readSources(read, fields.sources, [...path, 'sources']),
      rank: fields.rank === undefined ? dictionaryRanks.unranked : readRank(read, fields.rank, [...path, 'rank']),
      vendors: readWords(read, fields.vendors, [...path, 'vendors']).map((vendor) => vendor.toLowerCase()),
      protocols: readWords(read, fields.protocols, [...path, 'protocols']).map((protocol) => {
        const lower = protocol.toLowerCase();
        if (!protocolPattern.test(lower)) read.fail([...path, 'protocols'], `${quoted(protocol)} is not a protocol name (e.g. telnet, http, ssh, ftp)`);
        return lower;
      }),
    };
    const pairKey = `${entry.username}\u0000${entry.password}`;
    const samePair = seenPairs.get(pairKey);
    if (samePair !== undefined)
      read.fail([...path, 'id'], `the pair of ${quoted(id)} is already entries[${samePair}]: one entry per pair (list its protocols there)`);
    seenPairs.set(pairKey, index);
    checkProvenance(read, entry, path);
    return entry;
  });
}

/** The reason must be backed by the sources it cites, and a pattern claim must hold. */
function checkProvenance(read: FieldReader, entry: DictionaryEntry, path: Path): void {
  const cites = (kinds: readonly DictionarySource[]) => entry.sources.some((source) => kinds.includes(source));
  const trivial = isTrivialPair(entry.username, entry.password);
  if ((entry.reason === 'trivial' || entry.sources.includes('pattern')) && !trivial) {
    read.fail(
      [...path, entry.reason === 'trivial' ? 'reason' : 'sources'],
      'the pair is not trivial by the pattern rule (empty, the user name, runs, repeats, keyboard walks)',
    );
  }
  if (cites(vendorSources) && entry.vendors.length === 0) read.fail([...path, 'sources'], 'a vendor source needs the vendors it comes from (vendors: [...])');
  // An operator's list may leave sources out; when it gives them, they must back the reason.
  if (entry.sources.length === 0) return;
  if (entry.reason === 'botnet-dictionary' && !cites(botnetSources))
    read.fail([...path, 'reason'], `botnet-dictionary needs a botnet source (${botnetSources.join(', ')})`);
  if (entry.reason === 'factory-default' && !cites(vendorSources))
    read.fail([...path, 'reason'], `factory-default needs a vendor source (${vendorSources.join(', ')})`);
}

function readSources(read: FieldReader, value: unknown, path: Path): DictionarySource[] {
  const names = readWords(read, value, path);
  const sources = names.map((name, index) => read.oneOf(name, [...path, index], dictionarySources));
  const repeated = sources.find((source, index) => sources.indexOf(source) !== index);
  if (repeated) read.fail(path, `source ${quoted(repeated)} is listed twice`);
  return sources;
}

function readRank(read: FieldReader, value: unknown, path: Path): number {
  const rank = read.number(value, path, { min: dictionaryRanks.first, max: dictionaryRanks.unranked });
  if (!Number.isInteger(rank)) read.fail(path, 'must be a whole number');
  return rank;
}

/**
 * User names and passwords must be quoted text: YAML reads an unquoted 0000 as the
 * number 0 and 1e3 as 1000, which would silently try the wrong password.
 */
function readSecretText(read: FieldReader, value: unknown, path: Path, allowEmpty: boolean): string {
  if (typeof value === 'number' || typeof value === 'boolean') {
    return read.fail(path, `write ${String(path.at(-1))} in quotes (YAML reads unquoted ${quoted(value)} as a ${typeof value}, not text)`);
  }
  return read.string(value, path, { allowEmpty });
}

/** An optional list of non-empty strings; a single string is accepted as a one-item list. */
function readWords(read: FieldReader, value: unknown, path: Path): string[] {
  if (value === undefined || value === null) return [];
  const items = typeof value === 'string' ? [value] : read.list(value, path);
  return items.map((item, index) => read.string(item, [...path, index]).trim());
}

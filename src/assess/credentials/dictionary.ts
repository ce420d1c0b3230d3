import { fileURLToPath } from 'node:url';
import { createFieldReader, readDataFile, type DataFile } from '../../core/data-file.ts';

/** One pair of the shipped (or operator's) dictionary. */
export interface DictionaryEntry {
  /** Stable id used in findings and reports instead of the password, e.g. "mirai-017". */
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
}

/** Policy categories an entry may claim (docs/credentials.md explains each). */
export const dictionaryReasons = ['factory-default', 'botnet-dictionary', 'trivial'] as const satisfies readonly DictionaryEntry['reason'][];

/** Path of the dictionary shipped with opennotice. */
export const defaultDictionaryFile = fileURLToPath(new URL('./default-dictionary.yaml', import.meta.url));

const entryFields = ['id', 'username', 'password', 'reason', 'vendors', 'protocols', 'note'] as const;
const idPattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const protocolPattern = /^[a-z][a-z0-9-]*$/;

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
 * Validate an already-parsed dictionary file (useful for text that is not on disk).
 * @example validateDictionary(parseDataFile(text, 'inline.yaml', 'DICTIONARY_INVALID'))
 */
export function validateDictionary(dataFile: DataFile): DictionaryEntry[] {
  const read = createFieldReader(dataFile, 'DICTIONARY_INVALID');
  const root = read.object(dataFile.data, []);
  read.onlyKeys(root, [], ['version', 'entries']);
  if (root.version !== undefined && root.version !== 1) read.fail(['version'], `unsupported version ${JSON.stringify(root.version)} (expected 1)`);
  const rawEntries = read.list(root.entries, ['entries']);
  if (rawEntries.length === 0) read.fail(['entries'], 'the dictionary has no entries');

  const seenIds = new Map<string, number>();
  return rawEntries.map((raw, index) => {
    const path = ['entries', index];
    const fields = read.object(raw, path);
    read.onlyKeys(fields, path, entryFields);
    const id = read.string(fields.id, [...path, 'id']);
    if (!idPattern.test(id)) read.fail([...path, 'id'], `id "${id}" may only contain letters, digits, ".", "_" and "-"`);
    const firstIndex = seenIds.get(id);
    if (firstIndex !== undefined) read.fail([...path, 'id'], `duplicate id "${id}" (first used by entries[${firstIndex}])`);
    seenIds.set(id, index);
    if (fields.note !== undefined) read.string(fields.note, [...path, 'note'], { allowEmpty: true });
    return {
      id,
      username: readSecretText(read, fields.username, [...path, 'username'], false),
      password: readSecretText(read, fields.password, [...path, 'password'], true),
      reason: read.oneOf(fields.reason, [...path, 'reason'], dictionaryReasons),
      vendors: readWords(read, fields.vendors, [...path, 'vendors']).map((vendor) => vendor.toLowerCase()),
      protocols: readWords(read, fields.protocols, [...path, 'protocols']).map((protocol) => {
        const lower = protocol.toLowerCase();
        if (!protocolPattern.test(lower)) read.fail([...path, 'protocols'], `"${protocol}" is not a protocol name (e.g. telnet, http, ssh, ftp)`);
        return lower;
      }),
    };
  });
}

/**
 * User names and passwords must be quoted text: YAML reads an unquoted 0000 as the
 * number 0 and 1e3 as 1000, which would silently try the wrong password.
 */
function readSecretText(read: ReturnType<typeof createFieldReader>, value: unknown, path: Array<string | number>, allowEmpty: boolean): string {
  if (typeof value === 'number' || typeof value === 'boolean') {
    return read.fail(path, `write ${String(path.at(-1))} in quotes (YAML reads unquoted ${JSON.stringify(value)} as a ${typeof value}, not text)`);
  }
  return read.string(value, path, { allowEmpty });
}

/** An optional list of non-empty strings; a single string is accepted as a one-item list. */
function readWords(read: ReturnType<typeof createFieldReader>, value: unknown, path: Array<string | number>): string[] {
  if (value === undefined || value === null) return [];
  const items = typeof value === 'string' ? [value] : read.list(value, path);
  return items.map((item, index) => read.string(item, [...path, index]).trim());
}

import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isNode, isScalar, visit, type Document, type Node } from 'yaml';
import { OpenNoticeError, quoted, type ErrorCode } from './errors.ts';

/** A path into parsed data, e.g. ['rules', 3, 'pattern']. */
export type DataPath = ReadonlyArray<string | number>;

/**
 * A parsed YAML/JSON data file that remembers where each value came from, so a
 * validator can report "rules/http.yaml:41: rules[3].pattern: invalid regex".
 * JSON is valid YAML, so one loader serves both.
 */
export interface DataFile {
  file: string;
  /** The plain JavaScript value of the whole document. */
  data: unknown;
  /** 1-based line of the value at `path`, or of its nearest existing parent. */
  lineOf(path: DataPath): number | undefined;
  /** An error pointing at `path`, with the given code. */
  errorAt(code: ErrorCode, path: DataPath, message: string): OpenNoticeError;
}

/** Render a path the way a person reads it: rules[3].pattern */
export function formatPath(path: DataPath): string {
  // A key comes from the file and may be any length: cut, so the error stays one readable line.
  const key = (part: string) => (part.length > 40 ? `${part.slice(0, 40)}…` : part);
  return path.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? key(part) : `.${key(part)}`)).join('');
}

/**
 * Parse YAML (or JSON) text; syntax errors become `code` errors with file and line.
 * @example const rules = parseDataFile(text, 'rules/http.yaml', 'RULES_INVALID')
 */
export function parseDataFile(text: string, file: string, code: ErrorCode): DataFile {
  const lineCounter = new LineCounter();
  const document = parseYaml(text, file, code, lineCounter);
  const firstError = document.errors[0];
  const badKey = firstError ? undefined : keyProblem(document);
  if (badKey) {
    const position = lineCounter.linePos(badKey.node.range?.[0] ?? 0);
    throw new OpenNoticeError(code, `syntax error: ${badKey.message}`, { file, line: position.line, column: position.col });
  }
  if (firstError) {
    const position = firstError.linePos?.[0] ?? lineCounter.linePos(firstError.pos[0]);
    throw new OpenNoticeError(code, `syntax error: ${firstError.message.split('\n')[0].slice(0, 200)}`, {
      file,
      line: position?.line,
      column: position?.col,
    });
  }
  const lineOf = (path: DataPath): number | undefined => {
    for (let length = path.length; length >= 0; length--) {
      const node = document.getIn(path.slice(0, length), true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  return {
    file,
    data: plainValue(document, file, code),
    lineOf,
    // Validators quote values from the file; whatever they quote, the error stays one readable line.
    errorAt: (errorCode, path, message) =>
      new OpenNoticeError(errorCode, `${formatPath(path)}: ${message.length > 300 ? `${message.slice(0, 300)}…` : message}`, {
        file,
        line: lineOf(path),
        path: formatPath(path),
      }),
  };
}

/**
 * The YAML library's parse, made safe for any bytes: it reports every problem of a garbage file
 * as an error object (50,000 for 100 KB of noise), and capturing a stack trace for each one
 * doubles the time, while only the first is shown — so no stack traces while parsing. Nesting
 * deep enough to exhaust the stack (a file of 100,000 "[") is a located error, not a crash.
 */
function parseYaml(text: string, file: string, code: ErrorCode, lineCounter: LineCounter): Document {
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    // uniqueKeys: false — the library compares each key with every earlier one (a 16,000-key map
    // takes 13 s); repeatedKey() below does the same check in one pass.
    return parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  } catch (error) {
    throw tooDeep(error, file, code);
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/**
 * The first key no data file may have: one given twice in a map (scalar keys, compared by
 * value as the library would), or a key that is itself a list, a map or tagged bytes or date
 * (no format here uses one; the library would turn it into text and print a process warning).
 */
function keyProblem(document: Document): { node: Node; message: string } | undefined {
  let found: { node: Node; message: string } | undefined;
  visit(document, {
    // Every pair, not only a map's: a `!!pairs` or `!!omap` list holds pairs too.
    Pair(_key, pair) {
      if (isNode(pair.key) && !isScalar(pair.key)) {
        found = { node: pair.key, message: 'a map key is itself a list, a map or an alias' };
        return visit.BREAK;
      }
      // A tag can make a scalar key an object too: `!!binary` bytes, a `!!timestamp` date.
      if (isScalar(pair.key) && typeof pair.key.value === 'object' && pair.key.value !== null) {
        found = { node: pair.key, message: 'a map key is binary data or a date (a YAML tag such as !!binary); keys are plain text' };
        return visit.BREAK;
      }
      return undefined;
    },
    Map(_key, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        if (seen.has(pair.key.value)) {
          found = { node: pair.key, message: 'Map keys must be unique' };
          return visit.BREAK;
        }
        seen.add(pair.key.value);
      }
      return undefined;
    },
  });
  return found;
}

/** The document as plain values; too many aliases (a "billion laughs" file) or too deep a nesting is a located error. */
function plainValue(document: Document, file: string, code: ErrorCode): unknown {
  try {
    return document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    if (error instanceof ReferenceError && /alias/i.test(error.message)) {
      throw new OpenNoticeError(code, 'too many alias references (more than 100): the file expands like a "billion laughs" bomb', { file }, { cause: error });
    }
    throw tooDeep(error, file, code);
  }
}

function tooDeep(error: unknown, file: string, code: ErrorCode): unknown {
  if (!(error instanceof RangeError)) return error;
  return new OpenNoticeError(code, 'the file nests lists or maps too deeply to read', { file }, { cause: error });
}

/** Read and parse a data file from disk; a missing file is a clear error too. */
export function readDataFile(file: string, code: ErrorCode): DataFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new OpenNoticeError(code, `cannot read file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { file });
  }
  return parseDataFile(text, file, code);
}

/**
 * Small typed accessors for validators: each throws a located error when the value
 * at `path` is missing or of the wrong type.
 */
export function createFieldReader(dataFile: DataFile, code: ErrorCode) {
  const fail = (path: DataPath, message: string): never => {
    throw dataFile.errorAt(code, path, message);
  };
  const describe = (value: unknown): string => (Array.isArray(value) ? 'a list' : value === null ? 'null' : typeof value);
  return {
    fail,
    object(value: unknown, path: DataPath): Record<string, unknown> {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, `expected a mapping, got ${describe(value)}`);
      return value as Record<string, unknown>;
    },
    list(value: unknown, path: DataPath): unknown[] {
      if (!Array.isArray(value)) fail(path, `expected a list, got ${describe(value)}`);
      return value as unknown[];
    },
    string(value: unknown, path: DataPath, options: { optional?: boolean; allowEmpty?: boolean } = {}): string {
      if (value === undefined && options.optional) return '';
      if (typeof value === 'number') return String(value);
      if (typeof value !== 'string') return fail(path, `expected text, got ${describe(value)}`);
      if (!options.allowEmpty && value.length === 0) fail(path, 'must not be empty');
      return value;
    },
    number(value: unknown, path: DataPath, range: { min?: number; max?: number } = {}): number {
      if (typeof value !== 'number' || !Number.isFinite(value)) return fail(path, `expected a number, got ${describe(value)}`);
      if (range.min !== undefined && value < range.min) fail(path, `must be at least ${range.min}`);
      if (range.max !== undefined && value > range.max) fail(path, `must be at most ${range.max}`);
      return value;
    },
    oneOf<T extends string>(value: unknown, path: DataPath, allowed: readonly T[]): T {
      if (typeof value !== 'string' || !allowed.includes(value as T)) fail(path, `expected one of ${allowed.join(', ')}, got ${quoted(value)}`);
      return value as T;
    },
    /** Reject keys the schema does not know: a typo must not silently disable a field. */
    onlyKeys(value: Record<string, unknown>, path: DataPath, known: readonly string[]): void {
      for (const key of Object.keys(value)) if (!known.includes(key)) fail([...path, key], `unknown field ${quoted(key)} (known: ${known.join(', ')})`);
    },
  };
}

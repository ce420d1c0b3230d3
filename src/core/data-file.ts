import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import { OpenNoticeError, type ErrorCode } from './errors.ts';

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
  return path.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`)).join('');
}

/**
 * Parse YAML (or JSON) text; syntax errors become `code` errors with file and line.
 * @example const rules = parseDataFile(text, 'rules/http.yaml', 'RULES_INVALID')
 */
export function parseDataFile(text: string, file: string, code: ErrorCode): DataFile {
  const lineCounter = new LineCounter();
  const document: Document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const firstError = document.errors[0];
  if (firstError) {
    const position = firstError.linePos?.[0] ?? lineCounter.linePos(firstError.pos[0]);
    throw new OpenNoticeError(code, `syntax error: ${firstError.message.split('\n')[0]}`, {
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
    data: document.toJS({ maxAliasCount: 100 }),
    lineOf,
    errorAt: (errorCode, path, message) =>
      new OpenNoticeError(errorCode, `${formatPath(path)}: ${message}`, { file, line: lineOf(path), path: formatPath(path) }),
  };
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
      if (typeof value !== 'string' || !allowed.includes(value as T)) fail(path, `expected one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
      return value as T;
    },
    /** Reject keys the schema does not know: a typo must not silently disable a field. */
    onlyKeys(value: Record<string, unknown>, path: DataPath, known: readonly string[]): void {
      for (const key of Object.keys(value)) if (!known.includes(key)) fail([...path, key], `unknown field "${key}" (known: ${known.join(', ')})`);
    },
  };
}

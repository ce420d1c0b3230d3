/**
 * Reading grab results the way fingerprint rules address them: dotted field paths such as
 * `headers.server` or `auth.realm`, checked against the field tables the protocols declare
 * (src/protocols/registry.ts), and the text at such a path in one result.
 */
import type { GrabResult } from '../core/records.ts';
import type { FieldShape, FieldTable } from '../protocols/protocol.ts';

/**
 * Why a dotted field path cannot be matched for `protocol`, or undefined when it can.
 * @example fieldPathProblem(shippedProtocols.fieldTables, 'http', ['headers', 'Server']) // 'header names are lower-case: write "headers.server"'
 */
export function fieldPathProblem(tables: ReadonlyMap<string, FieldTable>, protocol: string, path: readonly string[]): string | undefined {
  const fields = tables.get(protocol);
  if (!fields) return `unknown protocol "${protocol}" (known: ${[...tables.keys()].join(', ')})`;
  let shape: FieldShape | undefined = { ...fields };
  for (let index = 0; index < path.length; index++) {
    const segment = path[index];
    const walked = path.slice(0, index).join('.');
    if (segment === '') return 'empty segment in field path';
    if (shape === 'header-map') {
      if (segment !== segment.toLowerCase()) return `header names are lower-case: write "${[...path.slice(0, index), segment.toLowerCase()].join('.')}"`;
      shape = 'text';
      continue;
    }
    if (typeof shape !== 'object') return `"${walked}" is ${shape === 'list' ? 'a list' : `a ${shape}`} and has no field "${segment}"`;
    const next: FieldShape | undefined = Object.hasOwn(shape, segment) ? shape[segment] : undefined;
    if (next === undefined) {
      const where = index === 0 ? `${protocol} result` : `"${walked}"`;
      return `unknown field "${segment}" in the ${where} (known: ${Object.keys(shape).join(', ')})`;
    }
    shape = next;
  }
  if (shape === 'list') return `"${path.join('.')}" is a list; rules match text`;
  if (shape === 'header-map') return `"${path.join('.')}" needs a header name, e.g. "${path.join('.')}.server"`;
  if (typeof shape === 'object') return `"${path.join('.')}" needs a sub-field (one of: ${Object.keys(shape).join(', ')})`;
  return undefined;
}

/**
 * The text at `path` in a grab result, or undefined when absent or not matchable
 * (objects and lists are skipped; numbers and booleans become their text).
 * @example readResultText({ headers: { server: 'lighttpd' } }, ['headers', 'server']) // 'lighttpd'
 */
export function readResultText(result: GrabResult, path: readonly string[]): string | undefined {
  let value: unknown = result;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

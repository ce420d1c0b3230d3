/**
 * The one table of grab-result fields a fingerprint rule may read, per protocol. It mirrors
 * the grab-result contract between grabbers and rules (docs/fingerprints.md, "Fields per
 * protocol"). A new grabber adds its fields here, and rules for it load from then on.
 */
import type { GrabResult } from '../core/records.ts';

/**
 * How a field looks in a grab result:
 * - text / number / boolean: matched directly (numbers and booleans as their decimal text);
 * - list: never matched (rules match text), so naming it is an error;
 * - header-map: needs one more, lower-case segment (`headers.server`);
 * - an object: needs one more segment naming one of its fields (`auth.realm`).
 */
export type FieldShape = 'text' | 'number' | 'boolean' | 'list' | 'header-map' | { readonly [field: string]: FieldShape };

export const resultFields: Readonly<Record<string, Readonly<Record<string, FieldShape>>>> = {
  telnet: {
    banner: 'text',
    prompt: 'text',
    promptKind: 'text',
    negotiation: { do: 'list', will: 'list', dont: 'list', wont: 'list' },
  },
  http: {
    url: 'text',
    status: 'number',
    statusLine: 'text',
    headers: 'header-map',
    title: 'text',
    body: 'text',
    bodyLength: 'number',
    bodySha256: 'text',
    auth: { scheme: 'text', realm: 'text' },
    loginForm: 'boolean',
    redirects: 'list',
  },
  ssh: { version: 'text', protocolVersion: 'text', software: 'text', comment: 'text' },
  ftp: { banner: 'text', code: 'number' },
};

/**
 * Why a dotted field path cannot be matched for `protocol`, or undefined when it can.
 * @example fieldPathProblem('http', ['headers', 'Server']) // 'header names are lower-case: write "headers.server"'
 */
export function fieldPathProblem(protocol: string, path: readonly string[]): string | undefined {
  const fields = resultFields[protocol];
  if (!fields) return `unknown protocol "${protocol}" (known: ${Object.keys(resultFields).join(', ')})`;
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

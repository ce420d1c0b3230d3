/**
 * Small readers for untrusted feed JSON. Feeds are large and mostly well formed, so these
 * helpers stay cheap: they check the one thing the caller needs and return undefined
 * otherwise, leaving the decision (skip, default, throw) to the importer.
 */
import type { CvssScore, Severity } from '../types.ts';

export type JsonObject = Record<string, unknown>;

/**
 * True for a plain JSON object (not null, not an array).
 * @example isObject({ a: 1 }) // true
 */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The value as a non-empty trimmed string, else undefined.
 * @example text(' x ') // 'x'
 */
export function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/**
 * The value as an array (an absent or non-array value gives []).
 * @example list(undefined) // []
 */
export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Descriptions are stored capped: they are shown, never matched on. */
export const DESCRIPTION_LIMIT = 1000;

/**
 * The English text of a `[{lang, value}]` list (NVD `descriptions`, CVE5 `descriptions`),
 * falling back to the first entry; capped at DESCRIPTION_LIMIT characters.
 * @example englishText([{ lang: 'es', value: 'hola' }, { lang: 'en', value: 'hello' }]) // 'hello'
 */
export function englishText(entries: unknown): string {
  const items = list(entries).filter(isObject);
  const english = items.find((item) => typeof item.lang === 'string' && /^en\b/i.test(item.lang) && text(item.value));
  const chosen = english ?? items.find((item) => text(item.value));
  const value = chosen ? (text(chosen.value) ?? '') : '';
  return value.length > DESCRIPTION_LIMIT ? value.slice(0, DESCRIPTION_LIMIT) : value;
}

const severities: readonly Severity[] = ['NONE', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

/**
 * A severity name in any case, or the CVSS v3/v4 qualitative rating of the base score when
 * the name is missing (CVSS v2 has no NONE: a v2 score of 0 is LOW, as NVD rated them).
 * @example severityOf(undefined, 9.8, '3.1') // 'CRITICAL'
 */
export function severityOf(name: unknown, baseScore: number, version: CvssScore['version']): Severity {
  const upper = typeof name === 'string' ? name.trim().toUpperCase() : '';
  if ((severities as readonly string[]).includes(upper)) return upper as Severity;
  if (version === '2.0') return baseScore >= 7 ? 'HIGH' : baseScore >= 4 ? 'MEDIUM' : 'LOW';
  if (baseScore === 0) return 'NONE';
  if (baseScore < 4) return 'LOW';
  if (baseScore < 7) return 'MEDIUM';
  if (baseScore < 9) return 'HIGH';
  return 'CRITICAL';
}

/** CVE identifiers as MITRE assigns them: CVE-YYYY-NNNN with 4 or more digits. */
export const CVE_ID_PATTERN = /^CVE-\d{4}-\d{4,}$/;

/**
 * Remove duplicates keeping first-seen order.
 * @example unique(['a', 'b', 'a']) // ['a', 'b']
 */
export function unique<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}

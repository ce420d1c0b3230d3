/**
 * CPE 2.3 names as the matcher needs them: a formatted-string reader that, unlike
 * src/identify/cpe.ts's parseCpe, keeps embedded wildcards ("dir-8*", "?1.0") because NVD
 * criteria may carry them, and the NISTIR 7696 attribute comparison (section 6.1, table
 * 6-2) between a SOURCE (the feed's criteria) and a TARGET (the device's name).
 */

/** One attribute value: ANY (*), NA (-), a literal, or a literal with wildcards. */
export type CpeValue = { kind: 'any' } | { kind: 'na' } | { kind: 'value'; value: string } | { kind: 'pattern'; value: string; regex: RegExp };

export const cpeAttributes = ['vendor', 'product', 'version', 'update', 'edition', 'language', 'swEdition', 'targetSw', 'targetHw', 'other'] as const;
export type CpeAttribute = (typeof cpeAttributes)[number];

/** A parsed CPE 2.3 name; every value lower-cased (CPE comparison ignores case) and unescaped. */
export interface ParsedCpe extends Record<CpeAttribute, CpeValue> {
  part: 'a' | 'o' | 'h' | '*';
  /** The formatted string it came from. */
  text: string;
}

/** NISTIR 7696's relations of a source value to a target value. */
export type AttributeRelation = 'superset' | 'equal' | 'subset' | 'disjoint';

const ANY: CpeValue = Object.freeze({ kind: 'any' });
const NA: CpeValue = Object.freeze({ kind: 'na' });

/**
 * Read one bound value: "\x" escapes are undone; an unescaped "*" or "?" makes a pattern
 * ("*" = any run of characters, "?" = one character, as NVD uses them at either end).
 */
export function parseCpeValue(bound: string): CpeValue | undefined {
  if (bound === '*') return ANY;
  if (bound === '-') return NA;
  if (bound === '') return undefined;
  // Fast path: most values have no escape and no wildcard.
  if (!/[\\*?]/.test(bound)) return { kind: 'value', value: bound.toLowerCase() };
  let value = '';
  let regexSource = '';
  let wildcard = false;
  for (let index = 0; index < bound.length; index++) {
    const char = bound[index];
    if (char === '\\') {
      const escaped = bound[index + 1];
      if (escaped === undefined) return undefined;
      value += escaped;
      regexSource += escaped.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      index++;
    } else if (char === '*' || char === '?') {
      wildcard = true;
      value += char;
      regexSource += char === '*' ? '.*' : '.';
    } else {
      value += char;
      regexSource += char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  value = value.toLowerCase();
  if (!wildcard) return { kind: 'value', value };
  return { kind: 'pattern', value, regex: new RegExp(`^${regexSource.toLowerCase()}$`) };
}

/**
 * Parse a CPE 2.3 formatted string (wildcards kept); undefined when malformed. Missing
 * trailing attributes are read as ANY, which some feeds rely on.
 * @example parseCpeName('cpe:2.3:o:dlink:dir-600_firmware:*:*:*:*:*:*:*:*')?.product // { kind: 'value', value: 'dir-600_firmware' }
 */
export function parseCpeName(text: string): ParsedCpe | undefined {
  if (!text.startsWith('cpe:2.3:')) return undefined;
  const components = text.includes('\\') ? splitEscaped(text.slice(8)) : text.slice(8).split(':');
  const part = components[0];
  if (part !== 'a' && part !== 'o' && part !== 'h' && part !== '*') return undefined;
  if (components.length > 1 + cpeAttributes.length || components.length < 3) return undefined;
  const values: CpeValue[] = [];
  for (let index = 1; index <= cpeAttributes.length; index++) {
    const bound = components[index];
    const value = bound === undefined ? ANY : parseCpeValue(bound);
    if (value === undefined) return undefined;
    values.push(value);
  }
  // One literal with every field, so all names share one object shape (fast property reads).
  return {
    part,
    text,
    vendor: values[0],
    product: values[1],
    version: values[2],
    update: values[3],
    edition: values[4],
    language: values[5],
    swEdition: values[6],
    targetSw: values[7],
    targetHw: values[8],
    other: values[9],
  };
}

/** Split on ":" not preceded by an escaping backslash (escapes kept for parseCpeValue). */
function splitEscaped(text: string): string[] {
  const components: string[] = [];
  let start = 0;
  for (let index = 0; index <= text.length; index++) {
    const char = text[index];
    if (char === '\\') index++;
    else if (char === ':' || index === text.length) {
      components.push(text.slice(start, Math.min(index, text.length)));
      start = index + 1;
    }
  }
  return components;
}

/**
 * NISTIR 7696 table 6-2: how a source value relates to a target value. A target with
 * wildcards is outside the table; it is read as its literal text.
 * @example compareCpeValues(parseCpeValue('*')!, parseCpeValue('dir-600')!) // 'superset'
 */
export function compareCpeValues(source: CpeValue, target: CpeValue): AttributeRelation {
  if (source.kind === 'any') return target.kind === 'any' ? 'equal' : 'superset';
  if (target.kind === 'any') return 'subset';
  if (source.kind === 'na') return target.kind === 'na' ? 'equal' : 'disjoint';
  if (target.kind === 'na') return 'disjoint';
  if (source.kind === 'pattern') return source.regex.test(target.value) ? 'superset' : 'disjoint';
  return source.value === target.value ? 'equal' : 'disjoint';
}

/** Relation of a source part to a target part ("*" on either side works like ANY). */
export function compareCpeParts(source: ParsedCpe['part'], target: ParsedCpe['part']): AttributeRelation {
  if (source === target) return 'equal';
  if (source === '*') return 'superset';
  if (target === '*') return 'subset';
  return 'disjoint';
}

/**
 * NISTIR 7696 name comparison: does the source name cover the target name? True when
 * every attribute (and the part) is superset or equal, which is the spec's "match".
 * @example cpeNameMatches(parseCpeName('cpe:2.3:h:dlink:dir-600:*:*:*:*:*:*:*:*')!, parseCpeName('cpe:2.3:h:dlink:dir-600:b2:*:*:*:*:*:*:*')!) // true
 */
export function cpeNameMatches(source: ParsedCpe, target: ParsedCpe): boolean {
  const part = compareCpeParts(source.part, target.part);
  if (part === 'subset' || part === 'disjoint') return false;
  for (const attribute of cpeAttributes) {
    const relation = compareCpeValues(source[attribute], target[attribute]);
    if (relation === 'subset' || relation === 'disjoint') return false;
  }
  return true;
}

/** Text of one value for evidence: "*", "-" or the literal. */
export function cpeValueText(value: CpeValue): string {
  return value.kind === 'any' ? '*' : value.kind === 'na' ? '-' : value.value;
}

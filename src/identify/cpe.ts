/**
 * CPE 2.3 formatted strings (NISTIR 7695, section 6.2): building one from plain text values
 * and reading one back. Matching CPE names against vulnerability feeds belongs to
 * assess/firmware; this file only binds and unbinds names.
 */

/** The logical value ANY ("any value is fine"), bound as an unescaped asterisk. */
export const CPE_ANY = '*';
/** The logical value NA ("not applicable"), bound as a lone hyphen. */
export const CPE_NA = '-';

/** a = application, o = operating system (device firmware), h = hardware; * = any. */
export type CpePart = 'a' | 'o' | 'h' | '*';

/**
 * A CPE name as plain, unescaped text. An absent attribute or CPE_ANY means ANY; CPE_NA
 * means NA; anything else is a literal value that `formatCpe` escapes.
 */
export interface CpeName {
  part: CpePart;
  vendor?: string;
  product?: string;
  version?: string;
  update?: string;
  edition?: string;
  language?: string;
  swEdition?: string;
  targetSw?: string;
  targetHw?: string;
  other?: string;
}

/** Attribute order of the formatted string after "cpe:2.3:part:". */
const attributeOrder = ['vendor', 'product', 'version', 'update', 'edition', 'language', 'swEdition', 'targetSw', 'targetHw', 'other'] as const;

/**
 * Bind one literal value for a formatted string. WFN values hold only printable ASCII
 * without whitespace, so text is first made to fit: lower-cased (the convention of the
 * NVD dictionary; CPE comparison ignores case), accents removed, whitespace runs become "_",
 * other non-ASCII characters become "_". Then every character other than a letter, digit,
 * "_", "-" or "." is escaped with a backslash, as 7695's formatted-string binding requires
 * (so a literal "*" or "?" can never turn into a wildcard).
 * @example escapeCpeValue('Model 5 (rev:2)') // 'model_5_\\(rev\\:2\\)'
 */
export function escapeCpeValue(value: string): string {
  const ascii = value
    .trim()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, '_')
    .replace(/[^\x21-\x7e]/g, '_');
  return ascii.replace(/[^A-Za-z0-9_.-]/g, (char) => `\\${char}`);
}

function bindValue(value: string | undefined): string {
  if (value === undefined || value === CPE_ANY || value.trim() === '') return CPE_ANY;
  if (value === CPE_NA) return CPE_NA;
  return escapeCpeValue(value);
}

/**
 * Build a CPE 2.3 formatted string.
 * @example formatCpe({ part: 'o', vendor: 'korvan', product: 'ipc-2120_firmware', version: '5.4.2' })
 * // 'cpe:2.3:o:korvan:ipc-2120_firmware:5.4.2:*:*:*:*:*:*:*'
 */
export function formatCpe(name: CpeName): string {
  return ['cpe', '2.3', name.part, ...attributeOrder.map((attribute) => bindValue(name[attribute]))].join(':');
}

/**
 * Read a CPE 2.3 formatted string back into unescaped values (ANY as "*", NA as "-").
 * Returns undefined for text that is not a well-formed formatted string, and for names
 * with embedded wildcards (e.g. "5.4*"), which this reader does not support.
 * @example parseCpe('cpe:2.3:o:korvan:ipc-2120_firmware:5.4.2:*:*:*:*:*:*:*')?.version // '5.4.2'
 */
export function parseCpe(text: string): CpeName | undefined {
  if (!text.startsWith('cpe:2.3:')) return undefined;
  const components = splitUnescaped(text.slice('cpe:2.3:'.length));
  if (!components || components.length !== 1 + attributeOrder.length) return undefined;
  const [part, ...values] = components;
  if (part !== 'a' && part !== 'o' && part !== 'h' && part !== '*') return undefined;
  const name: CpeName = { part };
  for (let index = 0; index < attributeOrder.length; index++) {
    const value = unbindValue(values[index]);
    if (value === undefined) return undefined;
    name[attributeOrder[index]] = value;
  }
  return name;
}

/** Split on ":" that is not escaped; undefined when a backslash ends the text. */
function splitUnescaped(text: string): string[] | undefined {
  const parts: string[] = [];
  let current = '';
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === '\\') {
      if (index + 1 >= text.length) return undefined;
      current += char + text[index + 1];
      index++;
    } else if (char === ':') {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

function unbindValue(bound: string): string | undefined {
  if (bound === CPE_ANY || bound === CPE_NA) return bound;
  if (bound === '') return undefined;
  let value = '';
  for (let index = 0; index < bound.length; index++) {
    const char = bound[index];
    if (char === '\\') {
      const escaped = bound[index + 1];
      if (escaped === undefined || !/[\x21-\x7e]/.test(escaped)) return undefined;
      value += escaped;
      index++;
    } else if (/[A-Za-z0-9_.-]/.test(char)) {
      value += char;
    } else {
      return undefined; // an unescaped wildcard or a character a formatted string may not hold
    }
  }
  return value;
}

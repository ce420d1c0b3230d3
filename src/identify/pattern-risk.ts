/**
 * A cheap check for patterns prone to catastrophic backtracking. V8 runs regular expressions by
 * backtracking, so a group repeated many times around a part of variable length — `(a+)+`,
 * `(\w+\s?)*`, `(?:a?a)+`, `(\w{1,9})+` — can try exponentially many ways to split a banner
 * that almost matches, and one hostile device would stall identification for hours. Such
 * nested quantifiers are refused when a rule loads, unless every pass through the group must
 * consume a character its variable parts cannot match (the `.` in `(?:\.\d+)+`): then a text
 * splits into passes one way only. What this does not see (overlapping alternatives such as
 * `(a|ab)*`, sequences slow by a power of the length such as `.*a.*b`) is bounded by the
 * engine's text cap (identifyTextLimit in engine.ts).
 */

import { classEnd, escapeEnd } from './pattern-syntax.ts';

/** A group repeated more than this many times counts as repeated without bound: `(\w+){1,1000}` is as slow as `(\w+)+`. */
const manyTimes = 10;

/** Characters tried when asking whether two parts can match the same one: ASCII, Latin-1 and a few others. */
const sampleCharacters = [...Array.from({ length: 256 }, (_, code) => String.fromCharCode(code)), 'Ж', '中', '\u2028', '\u{1F600}'];

/** How a repetition is written. */
interface Quantifier {
  /** It may repeat many times (`*`, `+`, `{2,}`, `{1,50}`). */
  many: boolean;
  /** Its count varies (`?`, `*`, `{1,3}`): the part is of variable length. */
  variable: boolean;
  /** It may match nothing (`?`, `*`, `{0,…}`). */
  optional: boolean;
  end: number;
}

/** One open group while scanning. */
interface OpenGroup {
  start: number;
  /** Sources of the single-character parts of variable count inside it ('any' for a back-reference). */
  variable: string[];
  /** Sources of the single-character parts every match of the group must contain, at its own level. */
  required: string[];
  /** Sources of every single-character part inside it, at any depth: what a repetition of the whole group can match. */
  atoms: string[];
  /** A `|` at its own level: then nothing is required of every match. */
  alternatives: boolean;
}

const openGroup = (start: number): OpenGroup => ({ start, variable: [], required: [], atoms: [], alternatives: false });

/**
 * Why `source` risks catastrophic backtracking, or undefined. `source` must already compile.
 * @example nestedQuantifier('^(\\w+\\s?)+$', '') // 'nested quantifiers: "(\\w+\\s?)+" …'
 * @example nestedQuantifier('^\\d+(?:\\.\\d+)+$', '') // undefined
 */
export function nestedQuantifier(source: string, flags: string): string | undefined {
  const groups: OpenGroup[] = [openGroup(0)];
  let index = 0;
  while (index < source.length) {
    const char = source[index];
    const current = groups[groups.length - 1];
    if (char === '(') {
      groups.push(openGroup(index));
      // The `?:`, `?=`, `?<name>`, `?i:` … after it are syntax, not characters to match.
      index += /^\((?:\?(?:[:=!]|<[=!]|<[^>]*>|[a-z]*(?:-[a-z]*)?:))?/.exec(source.slice(index, index + 80))?.[0].length ?? 1;
      continue;
    }
    if (char === '|') {
      current.alternatives = true;
      index++;
      continue;
    }
    if (char === '^' || char === '$' || (char === '\\' && /[bB]/.test(source[index + 1] ?? ''))) {
      index += char === '\\' ? 2 : 1; // assertions match no character
      continue;
    }
    let atomEnd: number;
    let inner: OpenGroup | undefined;
    if (char === ')') {
      inner = groups.length > 1 ? groups.pop() : undefined;
      if (!inner) return undefined; // cannot happen in a pattern that compiled
      atomEnd = index + 1;
    } else if (char === '[') atomEnd = classEnd(source, index);
    else if (char === '\\') atomEnd = escapeEnd(source, index);
    else atomEnd = index + 1;
    const quantifier = quantifierAt(source, atomEnd);
    const parent = groups[groups.length - 1];
    if (inner) {
      if (quantifier?.many && inner.variable.length > 0 && !splitsOneWay(inner, flags)) return risk(source.slice(inner.start, quantifier.end));
      // A group of variable count is, to its parent, a variable part made of everything inside it.
      append(parent.variable, quantifier?.variable ? inner.atoms : inner.variable);
      if (!inner.alternatives && !quantifier?.optional) append(parent.required, inner.required);
      append(parent.atoms, inner.atoms);
    } else {
      // A back-reference matches what its group did: anything, as far as this check knows.
      const atom = /^\\(?:[1-9]|k<)/.test(source.slice(index, atomEnd)) ? 'any' : source.slice(index, atomEnd);
      if (quantifier?.variable) parent.variable.push(atom);
      if (!quantifier?.optional && atom !== 'any') parent.required.push(atom);
      parent.atoms.push(atom);
    }
    index = quantifier?.end ?? atomEnd;
  }
  return undefined;
}

/** `target.push(...items)` without spreading: a group of a huge pattern holds more atoms than a call takes arguments. */
function append(target: string[], items: readonly string[]): void {
  for (const item of items) target.push(item);
}

function risk(part: string): string {
  const shown = part.length > 60 ? `${part.slice(0, 60)}…` : part;
  return (
    `nested quantifiers: ${JSON.stringify(shown)} repeats many times a part of variable length, which can take ` +
    'exponential time on a hostile banner (catastrophic backtracking); bound the repetition, or start each pass with a character the variable part cannot match'
  );
}

/** Whether every pass through `group` must consume a character none of its variable parts can match. */
function splitsOneWay(group: OpenGroup, flags: string): boolean {
  if (group.alternatives || group.variable.includes('any')) return false;
  // Tried case-insensitively whatever the flags: a `(?i:…)` group inside may make case not count.
  const sampleFlags = `${flags.replace(/[gyi]/g, '')}i`;
  const matcher = (atom: string) => new RegExp(`^(?:${atom})$`, sampleFlags);
  const variable = group.variable.map(matcher);
  return group.required.some((atom) => {
    const required = matcher(atom);
    return sampleCharacters.every((sample) => !required.test(sample) || variable.every((part) => !part.test(sample)));
  });
}

/** The quantifier at `at` (`*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`, each maybe lazy), or undefined. */
function quantifierAt(source: string, at: number): Quantifier | undefined {
  const char = source[at];
  let quantifier: Quantifier;
  if (char === '*' || char === '+' || char === '?') quantifier = { many: char !== '?', variable: true, optional: char !== '+', end: at + 1 };
  else if (char === '{') {
    const braces = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(at, at + 40));
    // A `{` that does not start a count is a literal brace (the u flag refuses it at compile).
    if (!braces) return undefined;
    const least = Number(braces[1]);
    const most = braces[2] === undefined ? least : braces[3] === '' ? Number.POSITIVE_INFINITY : Number(braces[3]);
    quantifier = { many: most > manyTimes, variable: most !== least, optional: least === 0, end: at + braces[0].length };
  } else return undefined;
  // A lazy `?` changes the order of tries, not how many there are.
  if (source[quantifier.end] === '?') quantifier.end++;
  return quantifier;
}

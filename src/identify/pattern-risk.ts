/**
 * A cheap check for patterns prone to catastrophic backtracking. V8 runs regular expressions by
 * backtracking, so a group that repeats without bound around a part that itself repeats without
 * bound — `(a+)+`, `(\w+\s?)*`, `(?:[^;]*;?)+` — can try exponentially many ways to split a
 * banner that almost matches, and one hostile device would stall identification for hours.
 * Such "nested quantifiers" (star height above one) are refused when a rule loads. What this
 * does not see (overlapping alternatives such as `(a|a)*`, polynomial patterns such as
 * `.*a.*b.*c`) is bounded by the text cap of the engine (identifyTextLimit in engine.ts).
 */

/** A repetition of more than this many is treated like an unbounded one: `(\w+){1,1000}` is as slow as `(\w+)+`. */
const manyTimes = 10;

/** How a repetition is written: whether it may repeat many times, whether it may be absent, where it ends. */
interface Quantifier {
  unbounded: boolean;
  optional: boolean;
  end: number;
}

/** One open group while scanning. */
interface OpenGroup {
  start: number;
  /** Sources of the single-character atoms repeated without bound inside it; 'group' for a repeated group (it may match anything). */
  repeated: string[];
  /** Characters every match of the group must contain, written at its own level (`-` in `(?:-\w+)`). */
  required: string[];
  /** A `|` at its own level: then no character is required of every match. */
  alternatives: boolean;
}

const openGroup = (start: number): OpenGroup => ({ start, repeated: [], required: [], alternatives: false });

/**
 * Why `source` risks catastrophic backtracking, or undefined. `source` must already compile.
 * A repeated group is safe when every pass through it must consume a character that none of
 * its inner repetitions can (the `.` in `(?:\.\d+)+`): then a text splits into passes one way.
 * @example nestedQuantifier('^(\w+\s?)+$', '') // 'nested quantifiers: "(\\w+\\s?)+" …'
 * @example nestedQuantifier('^\d+(?:\.\d+)+$', '') // undefined
 */
export function nestedQuantifier(source: string, flags: string): string | undefined {
  const groups: OpenGroup[] = [openGroup(0)];
  let index = 0;
  while (index < source.length) {
    const char = source[index];
    const current = groups[groups.length - 1];
    if (char === '(') {
      groups.push(openGroup(index));
      // The `?:`, `?=`, `?<name>` … after it are syntax, not characters to match.
      index += /^\((?:\?(?:[:=!]|<[=!]|<[^>]*>|[a-z]*(?:-[a-z]*)?:))?/.exec(source.slice(index, index + 80))?.[0].length ?? 1;
      continue;
    }
    if (char === '|') {
      current.alternatives = true;
      index++;
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
    const atomStart = inner ? inner.start : index;
    const quantifier = quantifierAt(source, atomEnd);
    const parent = groups[groups.length - 1];
    if (inner) {
      if (quantifier?.unbounded && inner.repeated.length > 0 && !splitsOneWay(inner, flags)) {
        const part = source.slice(atomStart, quantifier.end);
        const shown = part.length > 60 ? `${part.slice(0, 60)}…` : part;
        return (
          `nested quantifiers: ${JSON.stringify(shown)} repeats without bound a part that itself repeats without bound, ` +
          'which can take exponential time on a hostile banner (catastrophic backtracking); bound one of the repetitions, or start each pass with a character the inner part cannot match'
        );
      }
      parent.repeated.push(...(quantifier?.unbounded ? ['group'] : inner.repeated));
    } else {
      const atom = source.slice(atomStart, atomEnd);
      if (quantifier?.unbounded) parent.repeated.push(atom);
      const literal = literalCharacter(atom);
      if (literal !== undefined && !quantifier?.optional) parent.required.push(literal);
    }
    index = quantifier?.end ?? atomEnd;
  }
  return undefined;
}

/** Whether every pass through `group` needs a character none of its inner repetitions matches. */
function splitsOneWay(group: OpenGroup, flags: string): boolean {
  if (group.alternatives || group.repeated.includes('group')) return false;
  // Tested case-insensitively whatever the flags: a `(?i:…)` group inside may make case not count.
  const testFlags = `${flags.replace(/[gyi]/g, '')}i`;
  const matchers = group.repeated.map((atom) => new RegExp(`^${atom}$`, testFlags));
  return group.required.some((char) => matchers.every((matcher) => !matcher.test(char)));
}

/** The character a single-character atom stands for, when it stands for exactly one (`-`, `\.`, `\t`). */
function literalCharacter(atom: string): string | undefined {
  if (atom.length === 1) return '.^$'.includes(atom) ? undefined : atom;
  if (atom.length === 2 && atom[0] === '\\') {
    const escaped = atom[1];
    const controls: Record<string, string> = { t: '\t', n: '\n', r: '\r' };
    if (controls[escaped]) return controls[escaped];
    return /[^A-Za-z0-9]/.test(escaped) ? escaped : undefined;
  }
  return undefined;
}

/** The index after a character class starting at `start` (`[` … `]`, escapes skipped). */
function classEnd(source: string, start: number): number {
  let index = start + 1;
  if (source[index] === '^') index++;
  // A `]` right after the opening bracket closes an empty class in JavaScript.
  while (index < source.length && source[index] !== ']') index += source[index] === '\\' ? 2 : 1;
  return index + 1;
}

/** The index after an escape starting at `start`: `\d`, `\x41`, `\u{1F600}`, `\p{L}`, `\k<name>` … */
function escapeEnd(source: string, start: number): number {
  const letter = source[start + 1];
  if ((letter === 'p' || letter === 'P' || letter === 'u') && source[start + 2] === '{') {
    const close = source.indexOf('}', start + 3);
    return close === -1 ? start + 2 : close + 1;
  }
  if (letter === 'k' && source[start + 2] === '<') {
    const close = source.indexOf('>', start + 3);
    return close === -1 ? start + 2 : close + 1;
  }
  return start + 2;
}

/** The quantifier at `at` (`*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`, each maybe lazy), or undefined. */
function quantifierAt(source: string, at: number): Quantifier | undefined {
  const char = source[at];
  let quantifier: Quantifier;
  if (char === '*' || char === '+' || char === '?') quantifier = { unbounded: char !== '?', optional: char !== '+', end: at + 1 };
  else if (char === '{') {
    const braces = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(at, at + 40));
    // A `{` that does not start a count is a literal brace (the u flag refuses it at compile).
    if (!braces) return undefined;
    const unbounded = braces[2] !== undefined && (braces[3] === '' || Number(braces[3]) > manyTimes);
    quantifier = { unbounded, optional: braces[1] === '0', end: at + braces[0].length };
  } else return undefined;
  // A lazy `?` changes the order of tries, not how many there are.
  if (source[quantifier.end] === '?') quantifier.end++;
  return quantifier;
}

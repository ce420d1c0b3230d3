/**
 * Keeping rule patterns fast on hostile text. A pattern with several open-ended parts —
 * `^Server: (.*) ver (.*) (.*)$` — takes a power of the text's length on a banner built to
 * almost match it (9.5 s on 7.5 KB), unless V8 moves the match to its linear-time engine
 * (core/linear-regex-fallback.ts). That engine takes a subset of patterns (no case-insensitive
 * flag, look-ahead, back-reference or large counted repetition), so a case-insensitive pattern
 * is rewritten here with explicit cases (`abc` → `[aA][bB][cC]`) to join it. A pattern still
 * outside the subset reads a shorter stretch of each field (engine.ts): see `linearOrShort`.
 */
import { allowLinearRegexFallback } from '../core/linear-regex-fallback.ts';
import { classEnd, escapeEnd } from './pattern-syntax.ts';

/**
 * The most characters of one field a rule pattern reads. Banners, titles and headers fit many
 * times over, and the identifying parts of a page sit near its top. A pattern outside the
 * linear-time engine with two or more long repetitions in one alternative (`.{0,1000} Copyright
 * .{0,1000}`) may take a power of the length on a hostile text and reads the short stretch.
 */
export const patternTextLimit = { full: 16 * 1024, short: 2 * 1024 } as const;

/** A pattern as rules run it, and how much of a field it reads. */
export interface RunnablePattern {
  regex: RegExp;
  /** Whether a runaway match moves to the linear-time engine. */
  linear: boolean;
  readsAtMost: number;
}

/**
 * The pattern to run for `source`/`flags` (which already compile): the same pattern, or its
 * case-expanded twin when only that fits the linear-time engine — both match the same texts —
 * and the stretch of a field it may read.
 * @example linearOrShort('^lighttpd/(\\d+)', 'i') // { regex: /^[lL][iI][gG]…\/(\d+)/, linear: true, readsAtMost: 16384 }
 */
export function linearOrShort(source: string, flags: string): RunnablePattern {
  allowLinearRegexFallback();
  const full = patternTextLimit.full;
  if (fitsLinearEngine(source, flags)) return { regex: new RegExp(source, flags), linear: true, readsAtMost: full };
  const expanded = flags.includes('i') || source.includes('(?i:') ? caseExpanded(source, flags.includes('i')) : undefined;
  const expandedFlags = flags.replace('i', '');
  if (expanded !== undefined && !flags.includes('u') && fitsLinearEngine(expanded, expandedFlags)) {
    return { regex: new RegExp(expanded, expandedFlags), linear: true, readsAtMost: full };
  }
  return { regex: new RegExp(source, flags), linear: false, readsAtMost: longRepeatsInOneAlternative(source) >= 2 ? patternTextLimit.short : full };
}

function fitsLinearEngine(source: string, flags: string): boolean {
  try {
    new RegExp(source, `${flags}l`);
    return true;
  } catch {
    return false;
  }
}

/** Letters whose case a case-insensitive pattern ignores here: ASCII only (JavaScript's non-unicode `i` never maps them to other letters). */
const isAsciiLetter = (char: string) => /^[A-Za-z]$/.test(char);
const otherCase = (char: string) => (char === char.toLowerCase() ? char.toUpperCase() : char.toLowerCase());
/** A letter a case-insensitive pattern matches in another form too (é and É): outside ASCII the rewrite gives up on it. */
const hasOtherCase = (char: string) => char.toLowerCase() !== char.toUpperCase();

/**
 * `source` with every ASCII letter that case does not matter for written as both cases, and
 * `(?i:…)` groups turned into plain ones; undefined when the pattern holds something this does
 * not rewrite safely where case does not matter: a letter outside ASCII (é), a class range
 * reaching past ASCII, a letter written as `\x41`, `\u0041` or `\cA`, another modifier group.
 * @example caseExpanded('^a[b-c]\\d', true) // '^[aA][B-Cb-c]\\d'
 */
export function caseExpanded(source: string, ignoreCase: boolean): string | undefined {
  const scopes: boolean[] = [ignoreCase];
  let out = '';
  let index = 0;
  while (index < source.length) {
    const char = source[index];
    const caseless = scopes[scopes.length - 1];
    if (char === '\\') {
      const end = escapeEnd(source, index);
      const escaped = source.slice(index, end);
      if (caseless && /^\\(?:x|u|c)/.test(escaped)) return undefined;
      out += escaped;
      index = end;
    } else if (char === '[') {
      const end = classEnd(source, index);
      const expanded = caseless ? expandedClass(source.slice(index, end)) : source.slice(index, end);
      if (expanded === undefined) return undefined;
      out += expanded;
      index = end;
    } else if (char === '(') {
      const opening = /^\((?:\?(?:[:=!]|<[=!]|<[A-Za-z_$][\w$]*>|([a-z]*(?:-[a-z]*)?):))?/.exec(source.slice(index, index + 80))?.[0] ?? '(';
      const modifiers = /^\(\?([a-z]*(?:-[a-z]*)?):$/.exec(opening)?.[1];
      if (modifiers !== undefined && modifiers !== '') {
        if (modifiers === 'i') scopes.push(true);
        else if (modifiers === '-i') scopes.push(false);
        else return undefined;
        out += '(?:';
      } else {
        scopes.push(caseless);
        out += opening;
      }
      index += opening.length;
    } else if (char === ')') {
      if (scopes.length > 1) scopes.pop();
      out += char;
      index++;
    } else if (char === '{') {
      // A count (`{2,5}`) is copied whole; a lone brace is a literal.
      const count = /^\{\d+(?:,\d*)?\}/.exec(source.slice(index, index + 40))?.[0] ?? '{';
      out += count;
      index += count.length;
    } else {
      if (caseless && hasOtherCase(char) && !isAsciiLetter(char)) return undefined;
      out += caseless && isAsciiLetter(char) ? `[${char}${otherCase(char)}]` : char;
      index++;
    }
  }
  return out;
}

/** A character class with the other case of each ASCII letter it holds added; undefined when unsure. */
function expandedClass(text: string): string | undefined {
  const negated = text[1] === '^';
  const body = text.slice(negated ? 2 : 1, -1);
  if (/\\(?:x|u|c)/.test(body)) return undefined;
  const letters = new Set<string>();
  let index = 0;
  // One class member: a literal, an escaped literal (`\.`), or an escape standing for a set
  // or a control character (`\d`, `\t`), which has no single character to read.
  const single = (at: number): { char: string; end: number } => {
    if (body[at] !== '\\') return { char: body[at], end: at + 1 };
    const escaped = body[at + 1] ?? '';
    return /[A-Za-z0-9]/.test(escaped) ? { char: '', end: escapeEnd(body, at) } : { char: escaped, end: at + 2 };
  };
  while (index < body.length) {
    const low = single(index);
    const isRange = body[low.end] === '-' && low.end + 1 < body.length;
    if (isRange && low.char === '') return undefined; // `[\t-z]`: a range from an escape, not worth reading here
    if (isRange) {
      const high = single(low.end + 1);
      if (high.char === '') return undefined;
      // Only the ASCII letters of a range matter: at most 52 of them, however wide it is.
      const [from, to] = [low.char.charCodeAt(0), high.char.charCodeAt(0)];
      if (to > 0x7f) return undefined; // beyond ASCII: letters with case this does not write out
      for (const [first, last] of [
        [65, 90],
        [97, 122],
      ]) {
        for (let code = Math.max(from, first); code <= Math.min(to, last); code++) letters.add(String.fromCharCode(code));
      }
      index = high.end;
    } else {
      if (hasOtherCase(low.char) && !isAsciiLetter(low.char)) return undefined;
      letters.add(low.char);
      index = low.end;
    }
  }
  const added = [...letters]
    .filter(isAsciiLetter)
    .map(otherCase)
    .filter((char) => !letters.has(char));
  if (added.length === 0) return text;
  // The additions go first, so a `-` at the start or end of the old body stays a literal; one
  // at the very start gets escaped, since it now follows a letter.
  const rest = body.startsWith('-') ? `\\${body}` : body;
  return `[${negated ? '^' : ''}${ranges(added)}${rest}]`;
}

/** Letters written compactly: `abcdx` → `a-dx`. */
function ranges(chars: string[]): string {
  const codes = [...new Set(chars)].map((char) => char.charCodeAt(0)).sort((a, b) => a - b);
  let out = '';
  for (let at = 0; at < codes.length; ) {
    let end = at;
    while (end + 1 < codes.length && codes[end + 1] === codes[end] + 1) end++;
    out +=
      end - at >= 2
        ? `${String.fromCharCode(codes[at])}-${String.fromCharCode(codes[end])}`
        : codes
            .slice(at, end + 1)
            .map((code) => String.fromCharCode(code))
            .join('');
    at = end + 1;
  }
  return out;
}

/**
 * The most long repetitions (`*`, `+`, `{n,}`, a count above 10) in one top-level alternative
 * of `source`. One such part costs at most its length per starting place; two in a row can try
 * every split between them, and so on.
 * @example longRepeatsInOneAlternative('a.{0,200}b|c.{0,200}d') // 1
 */
export function longRepeatsInOneAlternative(source: string): number {
  let most = 0;
  let inAlternative = 0;
  let depth = 0;
  let index = 0;
  while (index < source.length) {
    const char = source[index];
    let atomEnd: number;
    if (char === '\\') atomEnd = escapeEnd(source, index);
    else if (char === '[') atomEnd = classEnd(source, index);
    else if (char === '(') {
      depth++;
      index += /^\((?:\?(?:[:=!]|<[=!]|<[^>]*>|[a-z]*(?:-[a-z]*)?:))?/.exec(source.slice(index, index + 80))?.[0].length ?? 1;
      continue;
    } else if (char === '|' && depth === 0) {
      inAlternative = 0;
      index++;
      continue;
    } else {
      if (char === ')') depth--;
      atomEnd = index + 1;
    }
    const repeat = /^(?:[*+]|\{\d+,(\d*)\})/.exec(source.slice(atomEnd, atomEnd + 40));
    if (repeat && (repeat[1] === undefined || repeat[1] === '' || Number(repeat[1]) > 10)) {
      inAlternative++;
      most = Math.max(most, inAlternative);
    }
    index = atomEnd + (repeat?.[0].length ?? 0);
  }
  return most;
}

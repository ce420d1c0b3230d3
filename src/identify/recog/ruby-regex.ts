/**
 * Translating Ruby (Onigmo) regular expressions, as Recog writes them, into JavaScript.
 * What differs, and what this does about it:
 * - `^`/`$` always match at line breaks in Ruby: the JS `m` flag is always set.
 * - Ruby's `m` option is "dot matches newline", JS's `s`: `(?m:…)` becomes `(?s:…)`.
 * - A bare `(?i)` applies to the rest of its group (later alternatives included, an Onigmo
 *   rule): it becomes a `(?i:` modifier group closed where the enclosing group closes.
 * - `\A`, `\z`, `\Z` become look-arounds (with `m` set, `^`/`$` no longer mean "whole text").
 * - `\h` (hex digit), `\e`, `\a`, one-digit `\xH`, and common POSIX classes are rewritten.
 * - Atomic groups, possessive quantifiers, `\G`, `\K`, `\R`, `\p{…}`, the `x` option, named
 *   groups and class intersections have no faithful JS form: they are reported, never guessed.
 */

export type RubyTranslation = { source: string; flags: string } | { problem: string };

const flagMap: Record<string, string> = { REG_ICASE: 'i', REG_DOT_NEWLINE: 's', REG_MULTILINE: 's', REG_LINE_ANY_CRLF: 's' };
const posixClasses: Record<string, string> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: 'A-Za-z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  xdigit: '0-9A-Fa-f',
  space: '\\s',
  blank: ' \\t',
  word: '\\w',
  print: '\\x20-\\x7e',
  graph: '\\x21-\\x7e',
  cntrl: '\\x00-\\x1f\\x7f',
};

/**
 * Translate one pattern. `captureNames` renames Ruby's numbered groups (1-based) to
 * JS named groups, so positional Recog params become `(?<model>…)` and the like.
 * @example translateRubyRegex('^(?i)acme ([\\d.]+)\\z', 'REG_DOT_NEWLINE', new Map([[1, 'version']]))
 * // { source: '^(?i:acme (?<version>[\\d.]+)(?![\\s\\S]))', flags: 'ms' }
 */
export function translateRubyRegex(pattern: string, recogFlags: string, captureNames: ReadonlyMap<number, string>): RubyTranslation {
  const flags = new Set(['m']);
  for (const flag of recogFlags.split(/[\s,|]+/).filter(Boolean)) {
    const mapped = flagMap[flag];
    if (!mapped) return { problem: `unknown flag ${flag}` };
    flags.add(mapped);
  }

  let out = '';
  let captureCount = 0;
  let inClass = false;
  let afterQuantifier = false;
  // One frame per open group: how many modifier groups a bare `(?i)` opened inside it.
  const frames: number[] = [0];
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index];
    const wasQuantifier = afterQuantifier;
    afterQuantifier = false;

    if (char === '\\') {
      const next = pattern[index + 1];
      if (next === undefined) return { problem: 'pattern ends with a backslash' };
      index++;
      const translated = translateEscape(next, pattern, index, inClass);
      if ('problem' in translated) return translated;
      out += translated.text;
      index += translated.extra;
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      else if (char === '&' && pattern[index + 1] === '&') return { problem: 'character class intersection (&&) has no JS form' };
      else if (char === '[') {
        const posix = /^\[:(\^?)([a-z]+):\]/.exec(pattern.slice(index));
        if (!posix || posix[1] || !posixClasses[posix[2]]) return { problem: `nested or unsupported character class at ${index}` };
        out += posixClasses[posix[2]];
        index += posix[0].length - 1;
        continue;
      }
      out += char;
      continue;
    }
    if (char === '[') {
      inClass = true;
      out += char;
      if (pattern[index + 1] === ']') return { problem: 'a class starting with "]" reads differently in JS' };
      continue;
    }
    if (char === '*' || char === '+' || char === '?' || char === '}') {
      if (char === '+' && wasQuantifier) return { problem: 'possessive quantifier has no JS form' };
      if (char === '?' && wasQuantifier) {
        out += char; // lazy quantifier: same meaning in JS
        continue;
      }
      afterQuantifier = true;
      out += char;
      continue;
    }
    if (char === ')') {
      if (frames.length === 1) return { problem: 'unbalanced ")"' };
      out += `${')'.repeat(frames.pop()!)})`;
      afterQuantifier = false;
      continue;
    }
    if (char !== '(') {
      out += char;
      continue;
    }
    // A group opens: find out which kind.
    const rest = pattern.slice(index + 1);
    if (rest.startsWith('?#')) {
      const end = pattern.indexOf(')', index);
      if (end === -1) return { problem: 'unterminated comment group' };
      index = end;
      continue;
    }
    const modifiers = /^\?([imx]*)(?:-([imx]*))?(\)|:)/.exec(rest);
    if (modifiers && (modifiers[1] || modifiers[2] !== undefined)) {
      const js = jsModifiers(modifiers[1], modifiers[2] ?? '');
      if ('problem' in js) return js;
      index += modifiers[0].length;
      if (modifiers[3] === ')') {
        out += `(?${js.text}:`; // closed when the enclosing group closes
        frames[frames.length - 1]++;
      } else {
        out += `(?${js.text}:`;
        frames.push(0);
      }
      continue;
    }
    if (rest.startsWith('?>')) return { problem: 'atomic group (?>…) has no JS form' };
    if (/^\?<[A-Za-z_]/.test(rest) || rest.startsWith("?'")) return { problem: 'named groups change Ruby group numbering' };
    frames.push(0);
    if (rest.startsWith('?')) {
      const kind = /^\?(?::|=|!|<=|<!)/.exec(rest);
      if (!kind) return { problem: `unsupported group (${rest.slice(0, 3)}` };
      out += `(${kind[0]}`; // non-capturing group or look-around: same in JS
      index += kind[0].length;
      continue;
    }
    captureCount++;
    const name = captureNames.get(captureCount);
    out += name ? `(?<${name}>` : '(';
  }
  if (inClass) return { problem: 'unterminated character class' };
  if (frames.length !== 1) return { problem: 'unbalanced "("' };
  out += ')'.repeat(frames[0]);
  for (const position of captureNames.keys()) {
    if (position > captureCount) return { problem: `param refers to group ${position}, but the pattern has ${captureCount}` };
  }
  const jsFlags = [...flags].sort().join('');
  try {
    new RegExp(out, jsFlags);
  } catch (error) {
    return { problem: `translated pattern does not compile: ${(error as Error).message}` };
  }
  return { source: out, flags: jsFlags };
}

/** Ruby i/m/x option letters to JS modifier text (m → s; turning x off is a no-op). */
function jsModifiers(on: string, off: string): { text: string } | { problem: string } {
  if (on.includes('x')) return { problem: 'extended mode (x) has no JS form' };
  const map = (letters: string) => [...new Set(letters.replace(/x/g, '').replace(/m/g, 's'))].join('');
  const add = map(on);
  const remove = map(off)
    .split('')
    .filter((letter) => !add.includes(letter))
    .join('');
  return { text: `${add}${remove ? `-${remove}` : ''}` };
}

function translateEscape(next: string, pattern: string, index: number, inClass: boolean): { text: string; extra: number } | { problem: string } {
  const outside = (text: string): { text: string; extra: number } | { problem: string } =>
    inClass ? { problem: `\\${next} inside a character class` } : { text, extra: 0 };
  switch (next) {
    case 'A':
      return outside('(?<![\\s\\S])');
    case 'z':
      return outside('(?![\\s\\S])');
    case 'Z':
      return outside('(?=\\n?(?![\\s\\S]))');
    case 'h':
      return { text: inClass ? '0-9A-Fa-f' : '[0-9A-Fa-f]', extra: 0 };
    case 'H':
      return outside('[^0-9A-Fa-f]');
    case 'e':
      return { text: '\\x1b', extra: 0 };
    case 'a':
      return { text: '\\x07', extra: 0 };
    case 'x': {
      const hex = /^[0-9A-Fa-f]{1,2}/.exec(pattern.slice(index + 1));
      if (!hex) return { problem: '\\x without hex digits' };
      return { text: `\\x${hex[0].padStart(2, '0')}`, extra: hex[0].length };
    }
    case 'G':
    case 'K':
    case 'R':
    case 'X':
    case 'p':
    case 'P':
    case 'k':
    case 'g':
      return { problem: `\\${next} has no JS form` };
    default:
      return { text: `\\${next}`, extra: 0 };
  }
}

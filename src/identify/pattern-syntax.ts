/**
 * Reading JavaScript pattern source a token at a time: where a character class or an escape
 * ends. Shared by the backtracking check (pattern-risk.ts) and the case rewrite that lets a
 * pattern run on V8's linear-time engine (linear-pattern.ts).
 */

/** The index after a character class starting at `start` (`[` … `]`, escapes skipped). */
export function classEnd(source: string, start: number): number {
  let index = start + 1;
  if (source[index] === '^') index++;
  // A `]` right after the opening bracket closes an empty class in JavaScript.
  while (index < source.length && source[index] !== ']') index += source[index] === '\\' ? 2 : 1;
  return index + 1;
}

/** The index after an escape starting at `start`: `\d`, `\x41`, `\u{1F600}`, `\p{L}`, `\k<name>`, `\12` … */
export function escapeEnd(source: string, start: number): number {
  const letter = source[start + 1];
  const braced = (open: string, close: string) => {
    const end = source.indexOf(close, start + 3);
    return source[start + 2] === open && end !== -1 ? end + 1 : undefined;
  };
  if (letter === 'p' || letter === 'P' || letter === 'u') return braced('{', '}') ?? (letter === 'u' ? start + 6 : start + 2);
  if (letter === 'k') return braced('<', '>') ?? start + 2;
  if (letter === 'x') return start + 4;
  if (letter === 'c') return start + 3;
  if (/[1-9]/.test(letter)) return start + 1 + (/^\d+/.exec(source.slice(start + 1))?.[0].length ?? 1);
  return start + 2;
}

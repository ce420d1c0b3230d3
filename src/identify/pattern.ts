/**
 * Compiling rule patterns: flags check, JavaScript compile, a check for catastrophic
 * backtracking (./pattern-risk.ts), and the list of named groups (so a typo such as
 * `(?<modle>…)` is a load error rather than a silently empty fact).
 */
import { linearOrShort } from './linear-pattern.ts';
import { nestedQuantifier } from './pattern-risk.ts';

/**
 * Flags a rule may use. g and y are left out on purpose: they make a RegExp remember
 * `lastIndex` between calls, and a shared compiled rule must give the same answer every time.
 */
export const allowedPatternFlags = ['i', 'm', 's', 'u'] as const;

/**
 * A pattern ready to run: `regex` matches what the rule wrote (sometimes rewritten so V8 can
 * move a runaway match to its linear-time engine, see linear-pattern.ts) and reads at most
 * `readsAtMost` characters of a field.
 */
export type CompiledPattern = { regex: RegExp; readsAtMost: number; groupNames: string[] } | { problem: string; on: 'pattern' | 'flags' };

/**
 * Compile a rule pattern, or say what is wrong with it.
 * @example compilePattern('^Korvan (?<model>IPC-\\d+)', '') // { regex: /^Korvan (?<model>IPC-\d+)/, readsAtMost: 16384, groupNames: ['model'] }
 */
export function compilePattern(source: string, flags: string): CompiledPattern {
  const seen = new Set<string>();
  for (const flag of flags) {
    if (!(allowedPatternFlags as readonly string[]).includes(flag)) {
      return { on: 'flags', problem: `unknown flag "${flag}" (allowed: ${allowedPatternFlags.join(', ')})` };
    }
    if (seen.has(flag)) return { on: 'flags', problem: `flag "${flag}" given twice` };
    seen.add(flag);
  }
  const invalid = (error: unknown): CompiledPattern => {
    // V8 repeats the whole pattern in its message ("Invalid regular expression: /…/: reason"): keep the reason.
    const message = (error as Error).message;
    const reason = /^Invalid regular expression: \/.*\/[a-z]*: ([^:]+)$/s.exec(message)?.[1];
    return { on: 'pattern', problem: `invalid regex: ${reason ?? message.slice(0, 200)}` };
  };
  try {
    new RegExp(source, flags);
  } catch (error) {
    return invalid(error);
  }
  // Outside the try: a fault in the rewrite is a bug to see, not an invalid pattern.
  const { regex, readsAtMost } = linearOrShort(source, flags);
  try {
    // V8 compiles a pattern when first used, once for Latin-1 and once for other text (natively
    // for subjects over 1,000 characters), and only then refuses one that is too large: use it
    // both ways here, so that is a rule error at load and not a crash on a device's banner.
    regex.test('x'.repeat(1001));
    regex.test('\u0100'.repeat(1001));
  } catch (error) {
    return invalid(error);
  }
  const risk = nestedQuantifier(source, flags);
  if (risk) return { on: 'pattern', problem: risk };
  return { regex, readsAtMost, groupNames: namedGroups(source) };
}

/**
 * Names of the `(?<name>…)` groups in a pattern that already compiled. Skips escaped
 * characters and character classes, and lookbehinds `(?<=` / `(?<!`, which look alike.
 * @example namedGroups('(?<vendor>\\w+) \\(?<x>') // ['vendor']
 */
export function namedGroups(source: string): string[] {
  const names: string[] = [];
  let inClass = false;
  for (let index = 0; index < source.length; index++) {
    const char = source[index];
    if (char === '\\') {
      index++;
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      continue;
    }
    if (char === '[') {
      inClass = true;
      continue;
    }
    if (char === '(' && source.startsWith('?<', index + 1)) {
      const match = /^[A-Za-z_$][\w$]*(?=>)/.exec(source.slice(index + 3));
      if (match && !names.includes(match[0])) names.push(match[0]);
    }
  }
  return names;
}

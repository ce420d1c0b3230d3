/**
 * V8 runs regular expressions by backtracking, and a pattern with several open-ended parts can
 * take a power of the text's length on text built to almost match it — text a device chooses.
 * V8 also has a breadth-first engine that runs in linear time, and a switch that moves a match
 * to it once the match has backtracked 50,000 times: ordinary text never gets there, a hostile
 * one then costs milliseconds. The switch is process-wide and fixed for a pattern when V8 first
 * compiles it, so the CLI turns it on first thing and the rule loader again before compiling
 * (for library use). It is never turned off: a pattern compiled with the fallback and run
 * without it stops the process (a V8 check).
 */
import { setFlagsFromString } from 'node:v8';

/**
 * Turn on the linear-time fallback, and the `l` flag that asks whether a pattern fits that
 * engine (identify/linear-pattern.ts). Idempotent.
 * @example allowLinearRegexFallback(); /^(.*) ver (.*) (.*)$/.test(hostile) // ends in milliseconds
 */
export function allowLinearRegexFallback(): void {
  setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
  setFlagsFromString('--enable-experimental-regexp-engine');
}

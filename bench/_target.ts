// The last lines of every benchmark: `target: NAME = VALUE`, one per target, so a person or a
// script can read the figure that matters without parsing the rest of the output.

/**
 * A figure in fixed notation with three significant digits (integers from 100 up), never an
 * exponent or a thousands separator: `3760`, `5.31`, `0.0123`.
 * @example formatTargetValue(3760.4) // '3760'
 */
export function formatTargetValue(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`a target value must be a finite number, got ${value}`);
  if (value === 0) return '0';
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  if (magnitude >= 2) return String(Math.round(value));
  return value.toFixed(Math.min(20, 2 - magnitude));
}

/**
 * Print `target: NAME = VALUE`. Throws on a non-finite value: a benchmark that could not
 * compute its figure has failed and must not print a line that looks like one.
 * @example printTarget('firmware_vs_naive', 3760) // target: firmware_vs_naive = 3760
 */
export function printTarget(name: string, value: number): void {
  process.stdout.write(`target: ${name} = ${formatTargetValue(value)}\n`);
}

/**
 * Print `target: NAME = n/a (REASON)` — only when a reference tool is not installed.
 * @example printTargetUnavailable('survey_vs_nmap', 'nmap not installed')
 */
export function printTargetUnavailable(name: string, reason: string): void {
  process.stdout.write(`target: ${name} = n/a (${reason})\n`);
}

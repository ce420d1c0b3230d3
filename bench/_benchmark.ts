// What every benchmark under bench/ is to bench/run.ts: one `run` function taking the parsed
// command line. `--small` is read here, once, so each benchmark only picks its sizes from it.

/** The command line of one benchmark run, as bench/run.ts hands it over. */
export interface BenchmarkOptions {
  /**
   * Small mode (`--small`): tiny sizes, same method, done in seconds. It shows that the
   * benchmark still runs and still prints its figures; its numbers mean little.
   */
  small: boolean;
  /** The other arguments, in order (sizes in full mode, or a benchmark's own internal flags). */
  args: readonly string[];
}

/** A benchmark module: bench/NAME.ts exports this `run`. */
export interface Benchmark {
  run(options: BenchmarkOptions): Promise<void>;
}

/**
 * Split a benchmark's arguments into the small-mode flag and the rest.
 * @example parseBenchmarkArgs(['--small', '5000']) // { small: true, args: ['5000'] }
 */
export function parseBenchmarkArgs(argv: readonly string[]): BenchmarkOptions {
  return { small: argv.includes('--small'), args: argv.filter((arg) => arg !== '--small') };
}

/** True when `module` has a `run` function: a benchmark whose file lost it must say so, not crash later. */
export function isBenchmark(module: unknown): module is Benchmark {
  return typeof module === 'object' && module !== null && typeof (module as { run?: unknown }).run === 'function';
}

// npm run bench -- NAME [--small] [ARGS…]: runs bench/NAME.ts. Benchmarks print figures and end
// with their `target: NAME = VALUE` lines; they assert nothing. `--small` runs tiny sizes in
// seconds (bench/benchmarks.test.ts runs every benchmark that way).
import { readdirSync } from 'node:fs';
import { isBenchmark, parseBenchmarkArgs } from './_benchmark.ts';

/** bench/NAME.ts files; helpers start with `_`, tests end in `.test.ts`. */
const available = readdirSync(new URL('.', import.meta.url))
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && file !== 'run.ts' && !file.startsWith('_'))
  .map((file) => file.replace(/\.ts$/, ''))
  .sort();

const name = process.argv[2];
if (!name || !available.includes(name)) {
  process.stderr.write(`usage: npm run bench -- NAME [--small] [ARGS…]   (available: ${available.join(', ')})\n`);
  process.exit(2);
}
const module: unknown = await import(`./${name}.ts`);
if (!isBenchmark(module)) {
  process.stderr.write(`bench/${name}.ts does not export a run(options) function\n`);
  process.exit(1);
}
await module.run(parseBenchmarkArgs(process.argv.slice(3)));

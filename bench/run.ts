// npm run bench -- NAME: runs bench/NAME.ts. Benchmarks print figures; they assert nothing.
import { readdirSync } from 'node:fs';

const name = process.argv[2];
const available = readdirSync(new URL('.', import.meta.url))
  .filter((file) => file.endsWith('.ts') && file !== 'run.ts' && !file.startsWith('_'))
  .map((file) => file.replace(/\.ts$/, ''));
if (!name || !available.includes(name)) {
  process.stderr.write(`usage: npm run bench -- NAME   (available: ${available.join(', ')})\n`);
  process.exit(2);
}
const benchmark = (await import(`./${name}.ts`)) as { run(args: string[]): Promise<void> };
await benchmark.run(process.argv.slice(3));

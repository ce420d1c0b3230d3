import { createHash } from 'node:crypto';
import { fuzzInput } from '../test/support/fuzz/mutate.ts';
import { targetNamed } from '../test/support/fuzz/targets/index.ts';
const name = process.argv[2]; const n = Number(process.argv[3]);
const seeds = targetNamed(name).seeds();
const seen = new Set<string>(); let dupBytes = 0, bytes = 0, dups = 0, dupTrunc = 0;
for (let i = 0; i < n; i++) {
  const input = fuzzInput(seeds, { seed: 1, target: name, index: i });
  bytes += input.length;
  const h = createHash('sha1').update(input).digest('base64');
  if (seen.has(h)) { dups++; dupBytes += input.length; if (i % 4 === 0) dupTrunc++; } else seen.add(h);
}
console.log(name, n, 'dups', dups, 'of which truncations', dupTrunc, 'dup bytes share', (dupBytes / bytes * 100).toFixed(1) + '%');

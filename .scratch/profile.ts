import { fuzzInput } from '../test/support/fuzz/mutate.ts';
import { targetNamed } from '../test/support/fuzz/targets/index.ts';
import { scratchDirectory } from '../test/support/fuzz/run-inputs.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
const name = process.argv[2]; const n = Number(process.argv[3] ?? 2000);
const t = targetNamed(name); const seeds = t.seeds();
console.log('seed sizes', seeds.map((s) => s.length));
const dir = scratchDirectory();
const place = { index: 0, file: t.writesFile ? join(dir, `input${t.suffix ?? ''}`) : `fuzz-input${t.suffix ?? ''}` };
const buckets = new Map<string, { n: number; ms: number; bytes: number }>();
let gen = 0, total = 0;
for (let i = 0; i < n; i++) {
  const g0 = performance.now();
  const input = fuzzInput(seeds, { seed: 1, target: name, index: i });
  gen += performance.now() - g0;
  place.index = i;
  const t0 = performance.now();
  try { if (t.writesFile) writeFileSync(place.file, input); const r = t.run(input, place); if (r instanceof Promise) await r; } catch {}
  const ms = performance.now() - t0; total += ms;
  const key = input.length < 4096 ? '<4K' : input.length < 65536 ? '4K-64K' : input.length < 262144 ? '64K-256K' : '>=256K';
  const b = buckets.get(key) ?? { n: 0, ms: 0, bytes: 0 }; b.n++; b.ms += ms; b.bytes += input.length; buckets.set(key, b);
  if (i % 64 === 63) await new Promise(setImmediate);
}
console.log(name, 'per input ms', (total / n).toFixed(2), 'gen ms', (gen / n).toFixed(3));
const cpu = process.cpuUsage(); console.log("process cpu ms per input", ((cpu.user + cpu.system) / 1000 / n).toFixed(2));
for (const [k, b] of [...buckets].sort()) console.log(' ', k, 'n', b.n, 'avg ms', (b.ms / b.n).toFixed(2), 'share of time', ((b.ms / total) * 100).toFixed(0) + '%', 'avg KB', (b.bytes / b.n / 1024).toFixed(1));

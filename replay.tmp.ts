import { fuzzInput } from './test/support/fuzz/mutate.ts';
import { targetNamed } from './test/support/fuzz/targets/index.ts';
import { writeFileSync } from 'node:fs';
const [name, index] = process.argv.slice(2);
const t = targetNamed(name);
const input = fuzzInput(t.seeds(), { seed: Number(process.env.SEED ?? 1), target: name, index: Number(index) });
writeFileSync('/tmp/replay.bin', input);
const place = { index: Number(index), file: '/tmp/replay-input' + (t.suffix ?? '') };
if (t.writesFile) writeFileSync(place.file, input);
const began = performance.now();
try { await t.run(input, place); console.log('accepted'); } catch (e) { console.log('threw', (e as Error).name, String((e as Error).message).slice(0, 200)); }
console.log('ms', performance.now() - began, 'bytes', input.length);

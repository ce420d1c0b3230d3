// Everything under src/ ships: `npm run build` compiles it into dist/ (and copies its data
// files), and the package lists src/ as well. So src/ holds only what the program runs:
//   1. every module under src/ (tests aside) is reachable from an entry point — the CLI
//      (src/cli/main.ts) or a module that runs as a program of its own (`import.meta.main`) —
//      through the relative `.ts` paths modules name (imports, dynamic imports, workers and
//      child processes alike);
//   2. no fixtures/ (or testdata/) folder lives under src/.
// A module only tests use belongs in test/support/, test data in test/fixtures/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const sourceRoot = fileURLToPath(new URL('.', import.meta.url));
const cliEntry = 'cli/main.ts';

/** A string literal naming a relative .ts path: how a module names another, whatever loads it. */
const modulePath = /['"](\.{1,2}\/[^'"\s]+\.ts)['"]/g;

const isTest = (file: string) => file.endsWith('.test.ts');

function referencedModules(file: string, text: string): string[] {
  return [...text.matchAll(modulePath)].map((match) => normalize(join(dirname(file), match[1]!)));
}

/** Modules (relative to src/) reachable from the entry points. */
function reachableModules(modules: readonly string[]): Set<string> {
  const texts = new Map(modules.map((file) => [file, readFileSync(join(sourceRoot, file), 'utf8')]));
  const entries = [cliEntry, ...modules.filter((file) => /\bimport\.meta\.main\b/.test(texts.get(file)!))];
  const reached = new Set<string>();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (reached.has(file) || !texts.has(file)) continue;
    reached.add(file);
    queue.push(...referencedModules(file, texts.get(file)!));
  }
  return reached;
}

test('every module under src/ is reachable from an entry point: nothing only tests use ships', () => {
  const modules = globSync('**/*.ts', { cwd: sourceRoot }).filter((file) => !isTest(file));
  const reached = reachableModules(modules);
  assert.ok(reached.has(cliEntry) && reached.size > 100, `the graph reaches ${reached.size} modules`);
  assert.deepEqual(
    modules.filter((file) => !reached.has(file)),
    [],
    'imported only by tests (or by nothing): move it to test/support/',
  );
});

test('no fixtures folder under src/', () => {
  assert.deepEqual(globSync('**/{fixtures,testdata}/', { cwd: sourceRoot }), [], 'test data belongs in test/fixtures/');
});

test('the guard follows every way a module names another', () => {
  const named = (text: string) => referencedModules('darknet/capture/worker-reader.ts', text);
  assert.deepEqual(named("import { a } from './chunks.ts';"), ['darknet/capture/chunks.ts']);
  assert.deepEqual(named("import type { B } from '../../core/records.ts';"), ['core/records.ts']);
  assert.deepEqual(named("export * from './pcap.ts';"), ['darknet/capture/pcap.ts']);
  assert.deepEqual(named("await import('../ingest.ts')"), ['darknet/ingest.ts']);
  assert.deepEqual(named("new URL(import.meta.url.endsWith('.ts') ? './decode-worker.ts' : './decode-worker.js', import.meta.url)"), [
    'darknet/capture/decode-worker.ts',
  ]);
  assert.deepEqual(named("const cliEntry = fileURLToPath(new URL('../../cli/main.ts', import.meta.url));"), ['cli/main.ts']);
  assert.deepEqual(named("import { readFileSync } from 'node:fs'; const rules = new URL('./rules/', import.meta.url);"), []);
});

// Finds import cycles among the project's own modules (type-only imports included: a cycle of
// types is still two modules that cannot be understood, or moved, one without the other).
// Used by `npm test`; `node scripts/import-cycles.ts` prints them.
import { globSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** `import … from './x.ts'` and `export … from './x.ts'`, over line breaks; not `import('…')`. */
const staticImport = /(?:^|[;\n])\s*(?:import|export)\s[^;'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]/g;

/**
 * The import graph of the TypeScript files (tests left out) under `folders`, by path relative to `root`.
 * @example importGraph('/repo', ['src']).get('src/cli/main.ts') // ['src/core/errors.ts', …]
 */
export function importGraph(root: string, folders: readonly string[]): Map<string, string[]> {
  const files = folders.flatMap((folder) => globSync(`${folder}/**/*.ts`, { cwd: root })).filter((file) => !file.endsWith('.test.ts'));
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    const targets = new Set<string>();
    for (const match of text.matchAll(staticImport)) {
      const target = relative(root, resolve(root, dirname(file), match[1]!));
      if (known.has(target)) targets.add(target);
    }
    graph.set(file, [...targets].sort());
  }
  return graph;
}

/**
 * Every group of modules that import each other in a circle (strongly connected components
 * of more than one module, or a module importing itself), each sorted, smallest first.
 */
export function findImportCycles(root: string, folders: readonly string[]): string[][] {
  const graph = importGraph(root, folders);
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let counter = 0;

  // Tarjan's algorithm, iterative so that a deep import chain cannot overflow the stack.
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: Array<{ node: string; next: number }> = [{ node: start, next: 0 }];
    index.set(start, counter);
    lowLink.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const edges = graph.get(frame.node) ?? [];
      if (frame.next < edges.length) {
        const target = edges[frame.next++]!;
        if (!index.has(target)) {
          index.set(target, counter);
          lowLink.set(target, counter++);
          stack.push(target);
          onStack.add(target);
          work.push({ node: target, next: 0 });
        } else if (onStack.has(target)) {
          lowLink.set(frame.node, Math.min(lowLink.get(frame.node)!, index.get(target)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) lowLink.set(parent.node, Math.min(lowLink.get(parent.node)!, lowLink.get(frame.node)!));
      if (lowLink.get(frame.node) !== index.get(frame.node)) continue;
      const component: string[] = [];
      for (;;) {
        const member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
        if (member === frame.node) break;
      }
      const selfImport = component.length === 1 && (graph.get(frame.node) ?? []).includes(frame.node);
      if (component.length > 1 || selfImport) cycles.push(component.sort());
    }
  }
  return cycles.sort((a, b) => a.length - b.length || a[0]!.localeCompare(b[0]!));
}

/** The cycles as indented lines, each with the imports that close it. */
export function formatCycles(cycles: readonly string[][]): string {
  return cycles.map((cycle) => `  ${cycle.join('  <->  ')}`).join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
  const cycles = findImportCycles(root, ['src', 'bench', 'scripts']);
  process.stdout.write(cycles.length === 0 ? 'no import cycles\n' : `${formatCycles(cycles)}\n`);
  process.exitCode = cycles.length === 0 ? 0 : 1;
}

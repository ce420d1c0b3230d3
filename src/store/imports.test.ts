// The store persists; the domain decides (docs/store.md). So that no store implementation can
// carry a domain decision of its own — or get one wrong — the modules under src/store/ import
// values only from src/core/ (errors, records) and src/store/ itself, plus Node's built-ins and
// the PostgreSQL client.
// Type-only imports of record types from elsewhere are fine: they vanish at run time.
// The conformance suites (conformance/) are test code, left out of the build: they may drive
// the roles through the domain's own decisions (e.g. assess/firmware/feeds/upsert.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const sourceRoot = fileURLToPath(new URL('..', import.meta.url));
/** The packages a store implementation may import: its database's client. */
const databaseDrivers = new Set(['pg']);

/** Static imports and re-exports with their specifier lists, and dynamic imports. */
const importStatement = /(?:^|[;\n])\s*(import|export)\s+(type\s+)?([^;'"]*?)\s*from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/**
 * The modules a file imports values from (not type-only), as written.
 * @example valueImports("import type { A } from '../x.ts';\nimport { b } from './y.ts';") // ['./y.ts']
 */
function valueImports(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(importStatement)) {
    const [, , typeOnly, clause = '', specifier, dynamic] = match;
    if (dynamic !== undefined) {
      found.push(dynamic);
      continue;
    }
    if (typeOnly) continue;
    const names = /^\{([^}]*)\}$/
      .exec(clause.trim())?.[1]
      ?.split(',')
      .map((name) => name.trim())
      .filter((name) => name !== '');
    // `import { type A, type B } from …` is type-only too; a default or namespace import is a value.
    const allTypes = names?.every((name) => name.startsWith('type ')) === true;
    if (!allTypes) found.push(specifier!);
  }
  return found;
}

/** Where a relative specifier of `file` (relative to src/) points, relative to src/; undefined for packages and node: built-ins. */
function target(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  return relative(sourceRoot, join(sourceRoot, dirname(file), specifier))
    .split('\\')
    .join('/');
}

test('store modules import values only from src/core/ and src/store/', () => {
  const offenders: string[] = [];
  const files = globSync('store/**/*.ts', { cwd: sourceRoot }).filter((file) => !file.endsWith('.test.ts') && !file.startsWith('store/conformance/'));
  assert.ok(files.length > 20, 'the store modules are found');
  for (const file of files) {
    for (const specifier of valueImports(readFileSync(join(sourceRoot, file), 'utf8'))) {
      const path = target(file, specifier);
      // Packages: only a database driver (the PostgreSQL store's `pg`), never a domain library.
      const allowed =
        path === undefined ? specifier.startsWith('node:') || databaseDrivers.has(specifier) : path.startsWith('core/') || path.startsWith('store/');
      if (!allowed) offenders.push(`${file} imports ${specifier}`);
    }
  }
  assert.deepEqual(offenders, []);
});

test('the guard tells value imports from type-only ones', () => {
  assert.deepEqual(valueImports("import type { VulnerabilityRecord } from '../../assess/firmware/types.ts';"), []);
  assert.deepEqual(valueImports("import { type KevEntry, type VulnerabilityRecord } from '../../assess/firmware/types.ts';"), []);
  assert.deepEqual(valueImports("export type { Store as WholeStore } from './store.ts';\nexport type * from './row-types.ts';"), []);
  assert.deepEqual(valueImports("import { isOlder, mergeSourceRecords } from '../../assess/firmware/feeds/merge.ts';"), [
    '../../assess/firmware/feeds/merge.ts',
  ]);
  assert.deepEqual(valueImports("import { type X, merge } from '../../assess/x.ts';"), ['../../assess/x.ts']);
  assert.deepEqual(valueImports("import * as merge from '../../assess/x.ts';\nimport merged from '../y.ts';"), ['../../assess/x.ts', '../y.ts']);
  assert.deepEqual(valueImports("import {\n  isOlder,\n  mergeSourceRecords,\n} from '../../assess/firmware/feeds/merge.ts';"), [
    '../../assess/firmware/feeds/merge.ts',
  ]);
  assert.deepEqual(valueImports("export { feedbackActions } from './roles/feedback.ts';"), ['./roles/feedback.ts']);
  assert.deepEqual(valueImports("const m = await import('../../assess/x.ts');"), ['../../assess/x.ts']);
  assert.equal(target('store/sqlite/vulnerabilities.ts', '../../assess/firmware/feeds/merge.ts'), 'assess/firmware/feeds/merge.ts');
  assert.equal(target('store/sqlite/database.ts', '../../core/errors.ts'), 'core/errors.ts');
  assert.equal(target('store/sqlite/database.ts', 'node:sqlite'), undefined);
});

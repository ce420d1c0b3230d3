// The lab stays out of production (docs/lab.md): outside src/lab/ itself, only the commands
// that start or generate the lab may import a lab module — `lab`, `demo` and the demo's step
// files, and `darknet generate`. The survey, the other darknet commands and everything else
// never do, so nothing the lab defines (fictional vendors, loopback ranges, its research
// scanners, its ground truth) can leak into a real survey. Tests and bench/ may import the lab.
// The lab's fingerprint rules are data read by path (src/cli/survey-deps.ts), not an import.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const sourceRoot = fileURLToPath(new URL('..', import.meta.url));

/** Modules (relative to src/) allowed to import the lab: the commands that start or generate it. */
const allowedLabImporters = ['cli/commands/lab.ts', 'cli/commands/demo.ts', 'cli/darknet/generate.ts'];
/** Folders whose modules may import the lab: the demo's steps. */
const allowedLabImporterFolders = ['cli/demo/'];

/**
 * Every module specifier a file imports: `import … from`, `import type … from`, `export … from`,
 * a bare `import '…'`, and a dynamic `import('…')`, across line breaks.
 */
const importSpecifier = /(?:^|[\s;{}])(?:import|export)\s+(?:[^'"`;]*?\sfrom\s*)?['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

function importedSpecifiers(text: string): string[] {
  return [...text.matchAll(importSpecifier)].map((match) => match[1] ?? match[2]!);
}

/** True when the specifier, imported by `file` (relative to src/), names a module under src/lab/. */
function importsLab(file: string, specifier: string): boolean {
  if (!specifier.startsWith('.')) return false;
  return normalize(join(dirname(file), specifier)).startsWith('lab/');
}

const allowed = (file: string) => allowedLabImporters.includes(file) || allowedLabImporterFolders.some((folder) => file.startsWith(folder));

test('outside src/lab/, only the lab, demo and darknet generate commands import lab modules', () => {
  const offenders = globSync('**/*.ts', { cwd: sourceRoot })
    .filter((file) => !file.endsWith('.test.ts') && !file.startsWith('lab/') && !allowed(file))
    .flatMap((file) =>
      importedSpecifiers(readFileSync(join(sourceRoot, file), 'utf8'))
        .filter((specifier) => importsLab(file, specifier))
        .map((specifier) => `${file} imports ${specifier}`),
    );
  assert.deepEqual(offenders, []);
});

test('the allowed importers exist, so the list cannot silently go stale', () => {
  for (const file of allowedLabImporters) assert.ok(globSync(file, { cwd: sourceRoot }).length === 1, file);
  for (const folder of allowedLabImporterFolders) assert.ok(globSync(`${folder}*.ts`, { cwd: sourceRoot }).length > 0, folder);
});

test('the guard recognises every import form, and only imports of the lab', () => {
  const forms = [
    "import { startLab } from '../lab/lab.ts';",
    "import type { LabTruth } from '../lab/truth.ts';",
    "import { type LabStats, startLab } from '../lab/lab.ts'",
    'import {\n  labIsps,\n  type LabNetwork,\n} from "../lab/isps.ts";',
    "import * as lab from '../lab/lab.ts';",
    "import defaults from '../lab/options.ts';",
    "import '../lab/lab.ts';",
    "export { labIsps } from '../lab/isps.ts';",
    "export type { LabTruth } from '../lab/truth.ts';",
    "export * from '../lab/types.ts';",
    "const { startLab } = await import('../lab/lab.ts');",
    "const lab = await import ( '../lab/lab.ts' );",
  ];
  for (const form of forms) {
    const specifiers = importedSpecifiers(form);
    assert.equal(specifiers.length, 1, form);
    assert.ok(importsLab('survey/run-survey.ts', specifiers[0]!), form);
  }
  assert.ok(importsLab('cli/darknet/context.ts', importedSpecifiers("import { x } from '../../lab/darknet/generate.ts';")[0]!));
  // Not lab modules: the lab command beside the command index, a file merely named "lab", data read by path.
  assert.ok(!importsLab('cli/commands/index.ts', importedSpecifiers("import lab from './lab.ts';")[0]!));
  assert.ok(!importsLab('survey/run-survey.ts', importedSpecifiers("import { x } from './lab-notes.ts';")[0]!));
  assert.deepEqual(importedSpecifiers("const labRules = fileURLToPath(new URL('../lab/rules/', import.meta.url));"), []);
  assert.deepEqual(importedSpecifiers("export const labDarknet = '127.200.0.0/16';"), []);
});

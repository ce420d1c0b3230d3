// The npm scripts' entry point. It runs under whatever Node the machine has (Debian's 20,
// say), so it is plain CommonJS. It installs the dependencies when they are missing — among
// them the project's own Node 24 (the pinned "node" devDependency) — and then runs the real
// entry point with that Node, named by its absolute path.
//
// Why the absolute path: an npm script such as `install && node main.ts` runs in one shell,
// and the shell remembers where it found `node` the first time (Debian's /usr/bin/node,
// because node_modules/.bin/node did not exist yet). The second `node` would be Node 20,
// which cannot run TypeScript, so the very first `npm run demo` after a clone failed.
'use strict';

const { existsSync } = require('node:fs');
const { execFileSync, spawn } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const projectNode = join(root, 'node_modules', 'node', 'bin', 'node');

/** What each npm script runs: a module and the arguments before the user's own. */
const entries = {
  opennotice: ['src/cli/main.ts'],
  demo: ['src/cli/main.ts', 'demo'],
  lab: ['src/cli/main.ts', 'lab'],
  test: ['scripts/test.ts'],
  bench: ['bench/run.ts'],
  reliability: ['scripts/reliability.ts'],
  fuzz: ['scripts/fuzz.ts'],
};

function dependenciesInstalled() {
  return existsSync(projectNode) && existsSync(join(root, 'node_modules', 'yaml', 'package.json'));
}

function installDependencies() {
  process.stderr.write('opennotice: installing dependencies (npm ci), once …\n');
  try {
    execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  } catch {
    process.stderr.write('opennotice: `npm ci` failed (see above); fix that and run the command again.\n');
    process.exit(1);
  }
  if (!dependenciesInstalled()) {
    process.stderr.write(`opennotice: after npm ci, the project's Node is still missing at ${projectNode}\n`);
    process.exit(1);
  }
}

const [name, ...userArgs] = process.argv.slice(2);
const entry = entries[name];
if (!entry) {
  process.stderr.write(`usage: node scripts/launch.cjs ${Object.keys(entries).join('|')} [ARGS…]\n`);
  process.exit(2);
}
if (!dependenciesInstalled()) installDependencies();

const child = spawn(projectNode, ['--disable-warning=ExperimentalWarning', ...entry, ...userArgs], { cwd: process.cwd(), stdio: 'inherit' });
// Ctrl-C reaches the child too (same process group): it stops cleanly and saves its work,
// so this process only waits for it. A TERM sent to this process alone is passed on.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('error', (error) => {
  process.stderr.write(`opennotice: cannot start ${projectNode}: ${error.message}\n`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  const signals = { SIGINT: 2, SIGTERM: 15, SIGKILL: 9 };
  process.exit(code ?? 128 + (signals[signal] ?? 1));
});

// Runs under whatever Node the machine has (even 20): if the project's own Node 24
// (the pinned "node" devDependency) is not installed yet, install dependencies first,
// so `npm run demo` and `npm test` work straight after cloning.
const { existsSync } = require('node:fs');
const { execSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
if (!existsSync(join(root, 'node_modules', '.bin', 'node')) || !existsSync(join(root, 'node_modules', 'yaml'))) {
  process.stderr.write('opennotice: installing dependencies (npm ci) …\n');
  execSync('npm ci --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
}

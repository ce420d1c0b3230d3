#!/usr/bin/env node
// Installed-package entry point. Node only strips TypeScript types outside node_modules,
// so an installed copy runs the compiled dist/ (npm run build); a checkout runs src/.
import { existsSync } from 'node:fs';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `opennotice needs Node.js 22.18 or newer; this is ${process.version}.\n` +
      "In a checkout, run it through npm (npm run opennotice -- ARGS), which uses the project's own Node 24.\n",
  );
  process.exit(1);
}

// node:sqlite is stable enough for us but still announces itself as experimental on
// every start; that notice would only confuse operators.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type;
  if (type === 'ExperimentalWarning' && /SQLite/.test(String(warning))) return;
  emitWarning(warning, ...rest);
};

const compiled = new URL('../dist/cli/main.js', import.meta.url);
const entry = existsSync(compiled) ? compiled : new URL('../src/cli/main.ts', import.meta.url);
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));

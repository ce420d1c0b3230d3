#!/usr/bin/env node
// Installed-package entry point. Node only strips TypeScript types outside node_modules,
// so an installed copy runs the compiled dist/ (npm run build); a checkout runs src/.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/cli/main.js', import.meta.url);
const entry = existsSync(compiled) ? compiled : new URL('../src/cli/main.ts', import.meta.url);
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));

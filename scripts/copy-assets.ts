// Copies the data files (rules, dictionary, blocklist, the web server's assets, the native receiver's C source) next to the compiled modules,
// which find them relative to their own location.
import { cpSync, globSync } from 'node:fs';

for (const file of globSync('src/**/*.{yaml,conf,css,js,svg,png,c}')) {
  cpSync(file, file.replace(/^src\//, 'dist/'));
}

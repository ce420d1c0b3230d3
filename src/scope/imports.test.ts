// Only the dialer opens sockets to targets (DESIGN §4): no module outside src/scope/
// (and src/lab/, which plays the devices) may import what opens sockets. Tests may, to
// play peers. node:net's pure address helpers (BlockList, isIP …) open nothing and are allowed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const sourceRoot = fileURLToPath(new URL('..', import.meta.url));
const socketModules = /from\s+['"](?:node:)?(?:tls|dgram|http|https|http2)['"]|import\(\s*['"](?:node:)?(?:net|tls|dgram|http|https|http2)['"]\s*\)/;
const netImport = /import\s+(type\s+)?([^;]*?)\s+from\s+['"](?:node:)?net['"]/g;
const pureNetNames = new Set(['BlockList', 'SocketAddress', 'isIP', 'isIPv4', 'isIPv6']);

/** The socket-capable names a source file takes from node:net (empty when none). */
function socketNamesFromNet(text: string): string[] {
  const offending: string[] = [];
  for (const match of text.matchAll(netImport)) {
    if (match[1]) continue; // type-only imports open nothing
    const clause = match[2]!;
    const named = /^\{([^}]*)\}$/.exec(clause.trim());
    if (!named) {
      offending.push(clause.trim()); // default or namespace import: the whole module
      continue;
    }
    for (const part of named[1]!.split(',')) {
      const name = part.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0]!.trim();
      if (name && !part.trim().startsWith('type ') && !pureNetNames.has(name)) offending.push(name);
    }
  }
  return offending;
}

test('no module outside scope/ and lab/ imports a socket module', () => {
  const offenders = globSync('**/*.ts', { cwd: sourceRoot })
    .filter((file) => !file.endsWith('.test.ts') && !file.startsWith('scope/') && !file.startsWith('lab/'))
    .filter((file) => {
      const text = readFileSync(`${sourceRoot}/${file}`, 'utf8');
      return socketModules.test(text) || socketNamesFromNet(text).length > 0;
    });
  assert.deepEqual(offenders, []);
});

test('the guard itself tells sockets from pure address helpers', () => {
  assert.deepEqual(socketNamesFromNet("import { BlockList } from 'node:net';"), []);
  assert.deepEqual(socketNamesFromNet("import type { Socket } from 'node:net';"), []);
  assert.deepEqual(socketNamesFromNet("import { connect, isIP } from 'node:net';"), ['connect']);
  assert.deepEqual(socketNamesFromNet("import * as net from 'net';"), ['* as net']);
  assert.ok(socketModules.test("import { request } from 'node:http';"));
});
